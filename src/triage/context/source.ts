/** What one context source (Kubernetes, local units) gives back. */

/** Log lines from one place ("pod kona/web-… container web", "unit kona-exporter.service"). */
export interface LogBlock {
  source: string;
  lines: string[];
}

/** Object states (one line each), log blocks, and notes on what could not be read. */
export interface SourceResult {
  objects: string[];
  logs: LogBlock[];
  notes: string[];
}
