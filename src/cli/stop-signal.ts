// SIGINT/SIGTERM as an AbortSignal, for a command that stops at a safe point (hrm train: between steps). The
// first signal aborts; its handlers are then removed, so a second Ctrl-C (say during a long checkpoint write)
// ends the process at once by the signal's default action. That is safe because everything written is atomic
// (temp + rename): the next run removes the dead process's temp folder and takes over its lock.

/** The exit code of a command stopped by each signal (`hrm --help`). */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface StopSignal {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal received, or null. */
  readonly received: NodeJS.Signals | null;
  /** 130 after SIGINT, 143 after SIGTERM (1 if none was received). */
  readonly exitCode: number;
  /** Remove the handlers (idempotent). */
  uninstall(): void;
}

/** Install SIGINT/SIGTERM handlers that abort the returned signal once, then step aside. */
export function onStopSignal(): StopSignal {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const uninstall = (): void => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
  function handler(sig: NodeJS.Signals): void {
    received = sig;
    uninstall(); // a second signal takes the default action: the process ends at once
    controller.abort(new Error(`${sig} received`));
  }
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    get received() { return received; },
    get exitCode() { return received !== null ? SIGNAL_EXIT[received] ?? 1 : 1; },
    uninstall,
  };
}
