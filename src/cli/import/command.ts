import type { Command } from 'commander';

/** Placeholder replaced by the import implementation. */
export function importCommand(program: Command): void {
  program.command('import <file>').description('Import events').action(() => {
    throw new Error('not implemented yet');
  });
}
