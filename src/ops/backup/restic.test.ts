import { describe, expect, it } from 'vitest';
import { explainResticFailure, type ResticSettings } from './restic.js';

const settings: ResticSettings = { repository: '/mnt/offsite/restic', passwordFile: '/run/secrets/restic', keep: { daily: 7, weekly: 4, monthly: 6 } };
const failed = (stderr: string) => ({ code: 1, stdout: '', stderr });

describe('restic failures', () => {
  it('turns restic 0.14\'s stderr into the reason: password, damage, no repository', () => {
    expect(explainResticFailure(settings, 'check', failed('Fatal: wrong password or no key found\n'))).toMatchObject({
      reason: 'password', message: 'restic check: the password in /run/secrets/restic (KONA_RESTIC_PASSWORD_FILE) does not open the repository at /mnt/offsite/restic.',
    });
    const damaged = explainResticFailure(settings, 'check', failed(`pack ${'9c'.repeat(32)}: unexpected file size: got 100, expected 1564\nFatal: repository contains errors\n`));
    expect(damaged.reason).toBe('damaged');
    expect(damaged.message).toContain('is damaged (pack 9c9c9c9c9c9c…: unexpected file size: got 100, expected 1564)');
    expect(explainResticFailure(settings, 'cat', failed('Fatal: unable to open config file: stat /mnt/offsite/restic/config: no such file or directory\nIs there a repository at the following location?\n')).reason).toBe('missing');
    expect(explainResticFailure(settings, 'backup', failed('Fatal: unable to create lock: permission denied\n'))).toMatchObject({ reason: 'other', message: expect.stringContaining('permission denied') });
  });
});
