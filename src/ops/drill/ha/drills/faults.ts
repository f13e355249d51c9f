/**
 * The faults of `kona drill run <name>`: what each drill breaks, how it sees the cluster take over,
 * and how it heals. Each step records its RunEvent through `mark`; everything goes through the
 * cluster's ClusterControl (real signals, Patroni's REST API).
 */
import type { ClusterControl } from '../cluster/control.js';
import { haproxyView, waitFor } from '../cluster/probes.js';
import type { ClusterLayout } from '../cluster/layout.js';
import type { RunEvent } from '../run.js';

/** What a fault tells the run afterwards: the primary it replaced (for the checker's old-primary source). */
export interface FaultOutcome {
  oldPrimary?: string;
  newPrimary?: string;
}

/** One drill's fault and heal. */
export interface Drill {
  name: string;
  summary: string;
  /** Injects the fault, waits for the takeover, heals; bounded by `timeoutMs`. */
  run(ctx: { control: ClusterControl; layout: ClusterLayout; mark: (kind: RunEvent['kind'], detail: string) => void; timeoutMs: number }): Promise<FaultOutcome>;
}

/** Waits until Patroni names a running leader other than `old`. */
async function newLeader(control: ClusterControl, old: string, timeoutMs: number): Promise<string> {
  return waitFor(`a new primary after ${old}`, async () => {
    const leader = await control.primary();
    return leader && leader.name !== old && leader.state === 'running' ? leader.name : undefined;
  }, timeoutMs, 200);
}

const primaryKill: Drill = {
  name: 'primary-kill',
  summary: 'SIGKILL the primary\'s Patroni and postmaster under load; a standby takes over; the old one rejoins as a replica',
  async run({ control, mark, timeoutMs }) {
    const old = await control.killPrimary('SIGKILL');
    mark('fault', `SIGKILL to ${old} (the primary): its Patroni and postmaster`);
    const promoted = await newLeader(control, old, timeoutMs);
    mark('primary', `${promoted} promoted`);
    await control.startMember(old);
    await control.waitHealthy(timeoutMs);
    mark('heal', `${old} restarted and streaming again as a replica`);
    return { oldPrimary: old, newPrimary: promoted };
  },
};

const switchover: Drill = {
  name: 'switchover',
  summary: 'a planned switchover through Patroni\'s REST API under load',
  async run({ control, mark, timeoutMs }) {
    const old = (await control.primary())?.name;
    if (!old) throw new Error('No primary to switch over from');
    mark('fault', `switchover requested from ${old}`);
    const promoted = await control.switchover(undefined, timeoutMs);
    mark('primary', `${promoted} promoted`);
    await control.waitHealthy(timeoutMs);
    mark('heal', `${old} streaming as a replica`);
    return { oldPrimary: old, newPrimary: promoted };
  },
};

const webKill: Drill = {
  name: 'web-kill',
  summary: 'SIGKILL one Kona web replica under load; haproxy routes around it; it is started again',
  async run({ control, layout, mark, timeoutMs }) {
    const i = 1;
    const name = layout.web[i - 1]!.name;
    await control.killWeb(i);
    mark('fault', `SIGKILL to ${name}`);
    await waitFor(`haproxy marking ${name} down`, async () => ((await haproxyView(layout)).web?.[name]?.startsWith('DOWN') ? true : undefined), timeoutMs, 200);
    mark('note', `haproxy marked ${name} down`);
    await control.restartWeb(i, timeoutMs);
    await waitFor(`haproxy marking ${name} up`, async () => ((await haproxyView(layout)).web?.[name] === 'UP' ? true : undefined), timeoutMs, 200);
    mark('heal', `${name} restarted; haproxy sends it traffic again`);
    return {};
  },
};

/** The drills `kona drill run` knows, by name. */
export const DRILLS: Readonly<Record<string, Drill>> = { [primaryKill.name]: primaryKill, [switchover.name]: switchover, [webKill.name]: webKill };

/** The drill named `name`, or an error listing the known ones. */
export function drillNamed(name: string): Drill {
  const d = DRILLS[name];
  if (!d) throw new Error(`No drill "${name}": known drills are ${Object.keys(DRILLS).join(', ')}.`);
  return d;
}
