# Node-API addon of the hvm core. Same sources as the wasm build (wasm/build.mjs) and the
# same floating-point rules (native/README.md): no fast-math, no FMA contraction, no
# -march=native; x64 is pinned to the x86-64-v2 baseline so every machine runs the same
# instructions. node-gyp's Release default -O3 is replaced by -O2 to match the wasm build.
{
  'variables': {
    'hvm_gcc%': 0,
  },
  'targets': [
    {
      'target_name': 'hvm_core',
      'sources': [
        'native/core/accumulate.cpp',
        'native/core/detmath_eval.cpp',
        'native/core/fft.cpp',
        'native/core/frame_sharpness.cpp',
        'native/core/frame_stats.cpp',
        'native/core/gaussian_blur.cpp',
        'native/core/phase_correlate.cpp',
        'native/core/shift_accumulate.cpp',
        'native/core/status.cpp',
        'native/core/fill_outside.cpp',
        'native/core/hessian_vesselness.cpp',
        'native/core/min_filter.cpp',
        'native/core/grid_crossings.cpp',
        'native/core/hysteresis_threshold.cpp',
        'native/core/local_normalize.cpp',
        'native/core/remove_small_components.cpp',
        'native/core/skeleton_graph.cpp',
        'native/core/thinning.cpp',
        'native/core/space_time.cpp',
        'native/core/refine_shift.cpp',
        'native/core/registration_image.cpp',
        'native/core/pooled_ncc.cpp',
        'native/core/screen_extrema.cpp',
        'native/binding/addon.cpp',
      ],
      'include_dirs': [
        "<!(node -p \"require('node-addon-api').include_dir\")",
      ],
      'defines': [
        'NAPI_VERSION=8',
        'NAPI_DISABLE_CPP_EXCEPTIONS',
      ],
      'cflags!': [ '-O3' ],
      'cflags_cc!': [ '-O3', '-fexceptions', '-std=gnu++17', '-std=gnu++20' ],
      'cflags': [ '-O2', '-ffp-contract=off', '-fno-fast-math', '-fno-math-errno' ],
      'cflags_cc': [ '-std=c++17', '-O2', '-ffp-contract=off', '-fno-fast-math',
                     '-fno-math-errno', '-fno-exceptions', '-fno-rtti' ],
      'conditions': [
        [ 'target_arch=="x64" and OS!="win" and OS!="mac"', {
          'cflags_cc': [ '-march=x86-64-v2' ],
        }],
        # GCC's -O2 uses the "very cheap" vectoriser cost model, which skips every loop whose
        # trip count is not a known multiple of the vector width (all of ours). "dynamic"
        # vectorises them; it never reassociates floating point, so results are unchanged.
        # clang rejects the flag, so scripts/build-native.mjs sets hvm_gcc=1 only after
        # asking the compiler what it is (a plain `node-gyp rebuild` just runs slower).
        [ 'OS!="win" and OS!="mac" and hvm_gcc==1', {
          'cflags_cc': [ '-fvect-cost-model=dynamic' ],
        }],
        [ 'OS=="mac"', {
          'xcode_settings': {
            'GCC_OPTIMIZATION_LEVEL': '2',
            'GCC_ENABLE_CPP_EXCEPTIONS': 'NO',
            'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
            'MACOSX_DEPLOYMENT_TARGET': '11.0',
            'OTHER_CPLUSPLUSFLAGS': [ '-ffp-contract=off', '-fno-fast-math', '-fno-math-errno' ],
            'conditions': [
              [ 'target_arch=="x64"', { 'OTHER_CPLUSPLUSFLAGS': [ '-march=x86-64-v2' ] } ],
            ],
          },
        }],
        [ 'OS=="win"', {
          'msvs_settings': {
            # Untested. /fp:precise does not contract a*b+c into FMA unless /fp:contract is
            # given (VS 2022); SSE2 is the x64 baseline.
            'VCCLCompilerTool': {
              'ExceptionHandling': 0,
              'AdditionalOptions': [ '/std:c++17', '/fp:precise' ],
            },
          },
        }],
      ],
    },
  ],
}
