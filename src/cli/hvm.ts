#!/usr/bin/env node
/**
 * The `hvm` command. Parses the command word, runs it, and turns errors into one clear line
 * on stderr and an exit status: 0 success, 1 the work failed, 2 usage error.
 */
import { HvmError } from '../errors.js';
import { engineVersion } from '../version.js';
import { runAnalyze } from './analyze.js';
import { compareUsage, runCompare } from './compare.js';
import { runDoctor } from './doctor.js';
import { phantomUsage, runPhantom } from './phantom.js';
import { runSegment, segmentUsage } from './segment.js';
import { runStudy, studyUsage } from './study.js';
import { mainUsage, UsageError } from './usage.js';

interface Command {
  run: (argv: string[]) => Promise<number>;
  /** Help for `hvm COMMAND --help` (the main usage when the command has none of its own). */
  usage: string;
}

const commands: Record<string, Command> = {
  analyze: { run: runAnalyze, usage: mainUsage },
  doctor: { run: runDoctor, usage: mainUsage },
  compare: { run: runCompare, usage: compareUsage },
  phantom: { run: runPhantom, usage: phantomUsage },
  segment: { run: runSegment, usage: segmentUsage },
  study: { run: runStudy, usage: studyUsage },
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(mainUsage);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${engineVersion}\n`);
    return 0;
  }
  const command = commands[cmd];
  if (command === undefined) throw new UsageError(`unknown command "${cmd}".`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`hvm: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof HvmError) {
      process.stderr.write(`hvm: error ${e.code}: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      // An unexpected failure is a bug in the engine: show the stack so it can be reported.
      process.stderr.write(`hvm: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
