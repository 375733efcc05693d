import { ApertiumPipeline, installedApertiumModes } from "../engines/apertiumPipeline.js";
import { deformatText, normalizeSegmentText, reformatText } from "../engines/apertiumStream.js";
import { findApertiumRoute } from "./apertiumRoutes.js";
import { protectTerms, type TermPair } from "./terminology.js";

export class UnsupportedPairError extends Error {
  override readonly name = "UnsupportedPairError";
}

export interface Translation {
  readonly text: string;
  readonly route: readonly string[];
  readonly appliedTerms: readonly TermPair[];
}

/**
 * Translates with Apertium along a route of modes, one long-lived pipeline per mode
 * (started on first use and kept). A pivot passes the stream from one pipeline straight
 * into the next: the stream format is the same on both sides, so no reformat in between.
 */
export class ApertiumTranslator {
  private readonly pipelines = new Map<string, ApertiumPipeline>();
  readonly modes: readonly string[];

  constructor(private readonly options: { modesDir?: string; timeoutMs?: number } = {}) {
    this.modes = installedApertiumModes(options.modesDir);
  }

  route(from: string, to: string): string[] | undefined {
    return findApertiumRoute(from, to, this.modes);
  }

  async translate(text: string, from: string, to: string, terms: readonly TermPair[] = []): Promise<Translation> {
    const route = this.route(from, to);
    if (!route) throw new UnsupportedPairError(`No Apertium route from ${from} to ${to} is installed.`);
    const guarded = protectTerms(normalizeSegmentText(text), terms);
    let stream = deformatText(guarded.text);
    for (const mode of route) stream = await this.pipeline(mode).translateStream(stream);
    // A pipeline may carry a blank over from the previous block: captions are one trimmed line.
    return { text: guarded.restore(reformatText(stream)).trim(), route, appliedTerms: guarded.applied };
  }

  /** Starts the pipelines of these routes now, so the first segment does not pay ≈ 300 ms each. */
  async warmUp(routes: readonly (readonly string[])[]): Promise<void> {
    const modes = new Set(routes.flat());
    await Promise.all([...modes].map((m) => this.pipeline(m).warmUp()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.close()));
    this.pipelines.clear();
  }

  private pipeline(mode: string): ApertiumPipeline {
    let p = this.pipelines.get(mode);
    if (!p) {
      p = new ApertiumPipeline(mode, this.options);
      this.pipelines.set(mode, p);
    }
    return p;
  }
}
