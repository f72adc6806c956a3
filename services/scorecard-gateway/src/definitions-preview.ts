import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { previewFromStore, type PreviewInput, type PreviewProgress } from '#libs/preview';

const PROGRESS_EVERY_MS = 250;

// Previews under way: each re-scores every stored entity of an org twice, so one per org and a few per process.
export class PreviewGate {
  private readonly running = new Set<string>();

  constructor(private readonly max = 2) {}

  // the release to call when the preview ends; 429 when the org's preview or too many are under way
  enter(orgId: string): () => void {
    if (this.running.has(orgId))
      throw new HttpException('a preview of this org is under way: wait for it', HttpStatus.TOO_MANY_REQUESTS);
    if (this.running.size >= this.max)
      throw new HttpException('too many previews under way: try again shortly', HttpStatus.TOO_MANY_REQUESTS);
    this.running.add(orgId);
    return () => this.running.delete(orgId);
  }
}

// Streams a preview as NDJSON: `{ progress }` lines (at most four a second), then `{ preview }`, or
// `{ error }` when the preview fails after the answer has begun. A caller that goes away stops it.
export async function streamPreview(res: Response, input: Omit<PreviewInput, 'onProgress' | 'signal'>): Promise<void> {
  res.status(200);
  res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.flushHeaders();
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  let sentAt = 0;
  const progress = (p: PreviewProgress): void => {
    const now = Date.now();
    if (p.entities !== 0 && p.entities !== p.total && now - sentAt < PROGRESS_EVERY_MS) return;
    sentAt = now;
    res.write(`${JSON.stringify({ progress: p })}\n`);
  };
  try {
    const preview = await previewFromStore({ ...input, onProgress: progress, signal: gone.signal });
    res.end(`${JSON.stringify({ preview })}\n`);
  } catch (err) {
    if (gone.signal.aborted) return;
    const message = err instanceof Error ? err.message : String(err);
    new Logger('definitions-preview').error(`preview of ${input.orgId} failed: ${message}`);
    res.end(`${JSON.stringify({ error: { message } })}\n`);
  }
}
