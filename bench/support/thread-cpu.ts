import fs from 'node:fs/promises';

/** Nanoseconds a thread has run on a CPU and waited runnable for one, from Linux's schedstat. */
export interface ThreadTimes {
  runNs: number;
  waitNs: number;
}

export async function threadTimes(pid: number, tid = pid): Promise<ThreadTimes> {
  const [run, wait] = (await fs.readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).trim().split(/\s+/).map(Number);
  return { runNs: run ?? 0, waitNs: wait ?? 0 };
}

export const timesSince = (before: ThreadTimes, after: ThreadTimes): ThreadTimes => ({ runNs: after.runNs - before.runNs, waitNs: after.waitNs - before.waitNs });

/**
 * The renderer process of a Chromium started with `--user-data-dir=<profileDir>`
 * that has used the most CPU: the page under test (a spare renderer or the
 * browser's own UI renderers sit idle). Linux only; undefined elsewhere.
 */
export async function busiestRenderer(profileDir: string): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  let best: { pid: number; cpu: number } | undefined;
  for (const entry of await fs.readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      // Chromium rewrites its command line into one space-separated string.
      const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split(/[\0 ]/);
      if (!args.includes('--type=renderer') || !args.includes(`--user-data-dir=${profileDir}`)) continue;
      const { runNs } = await threadTimes(pid);
      if (!best || runNs > best.cpu) best = { pid, cpu: runNs };
    } catch {
      // The process ended while we looked.
    }
  }
  return best?.pid;
}

/** Jiffies the whole machine spent busy and in total (all CPUs), from /proc/stat. */
export interface MachineTimes {
  busy: number;
  total: number;
}

export async function machineTimes(): Promise<MachineTimes | undefined> {
  if (process.platform !== 'linux') return undefined;
  const cpu = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}
