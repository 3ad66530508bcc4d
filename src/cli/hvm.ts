#!/usr/bin/env node
/**
 * The `hvm` command. Parses the command word, runs it, and turns errors into one clear line
 * on stderr and an exit status: 0 success, 1 the work failed, 2 usage error.
 */
import { HvmError } from '../errors.js';
import { engineVersion } from '../version.js';
import { runAnalyze } from './analyze.js';
import { runDoctor } from './doctor.js';
import { mainUsage, UsageError } from './usage.js';

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  analyze: runAnalyze,
  doctor: runDoctor,
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
  const run = commands[cmd];
  if (run === undefined) throw new UsageError(`unknown command "${cmd}".`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(mainUsage);
    return 0;
  }
  return run(rest);
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
