import type { AppContext } from '../platform/http/context.js';
import type { BackupContext } from '../ops/backup/context.js';
import { backupLayout } from '../ops/backup/layout.js';

/** The backup context of a running process: its databases, configuration, logger and clock. */
export function backupContext(ctx: AppContext, extra: Partial<BackupContext> = {}): BackupContext {
  const clock = ctx.clock;
  return {
    config: ctx.config, control: ctx.control, tenants: ctx.tenants, layout: backupLayout(ctx.config.backupDir), logger: ctx.logger,
    now: () => (clock ? new Date(clock.now()) : new Date()), ...extra,
  };
}
