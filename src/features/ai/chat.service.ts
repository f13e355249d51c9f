/**
 * Asking about one dog's record. The record is read for this dog only (chat/record.read.ts); the
 * answer is drawn from it: by the model through the dispatcher when one is configured and answers
 * in time (streamed, then checked for citations: chat/model.ts, chat/answer.ts), else by the record
 * search (the simpler path: the passages that match, or "not in the record"). Each member's
 * conversation is kept per dog, encrypted; the question and answer never reach a log or the audit log.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { AiFallbackReason, TenantSchema } from '../../platform/db/schema.js';
import type { TimelineSource } from '../dogs/dogs.public.js';
import { deleteChat, insertChatMessage, selectChat } from './chat.queries.js';
import { modelAnswer, simplerAnswer, type ChatAnswer } from './chat/answer.js';
import { streamModelAnswer, type ChatModelRuntime } from './chat/model.js';
import type { DogRecord, RecordSection } from './chat/record.js';
import { readDogRecord } from './chat/record.read.js';

export type { ChatAnswer } from './chat/answer.js';
export { simplerAnswer } from './chat/answer.js';

/** What a chat service needs. */
export interface ChatDeps {
  db: Kysely<TenantSchema>;
  keyRing: KeyRing;
  sources: readonly TimelineSource[];
  /** The model path's runtime; without it (or without its client) the record search answers. */
  model?: ChatModelRuntime;
}

/** The question as the form sends it. */
export const questionSchema = z.object({
  question: z.string().trim().min(2, 'Type a question about this dog.').max(500, 'A question is at most 500 characters.'),
});

/** One message of a conversation, decrypted. */
export type ChatMessage = { role: 'user'; text: string; at: Date } | { role: 'assistant'; answer: ChatAnswer; at: Date };

/** Most messages a conversation shows. */
export const chatHistoryLimit = 20;

/** The sections a member may read in the record: applications only with applications.view. */
export function visibleSections(mayViewApplications: boolean): ReadonlySet<RecordSection> {
  const all: RecordSection[] = ['profile', 'medical', 'notes', 'placements', 'history'];
  return new Set(mayViewApplications ? [...all, 'applications'] : all);
}

/** What the page says when a configured AI server did not answer (never shown as an error). */
export function fallbackNotice(reason: AiFallbackReason): string | undefined {
  if (reason === 'off') return undefined;
  const why = reason === 'deadline' ? ' (no answer within the time limit)' : reason === 'invalid' ? ' (its answer could not be read)' : reason === 'refused' ? ' (it turned the question down)' : '';
  return `The AI server is not reachable right now${why}, so the record search answered.`;
}

/** While an answer streams: each piece of the model's text as it arrives, and the caller's abort. */
export interface AskOptions {
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

/**
 * Asks one question about one dog, keeps both sides of it, and returns the answer: the model's,
 * checked, when it answers in time; the record search's otherwise.
 */
export async function askAboutDog(deps: ChatDeps, member: { id: string; sections: ReadonlySet<RecordSection> }, dogId: string, question: string, today: string, opts: AskOptions = {}): Promise<ChatAnswer> {
  const full = await readDogRecord(deps.db, dogId, deps.sources, today);
  const record: DogRecord = { ...full, passages: full.passages.filter((p) => member.sections.has(p.section)) };
  const outcome = deps.model ? await streamModelAnswer(deps.model, record, question, opts.onDelta ?? (() => undefined), opts.signal) : { ok: false as const, reason: 'off' as const };
  const answer = outcome.ok ? modelAnswer(record, question, outcome.text, outcome.given) : simplerAnswer(record, question, fallbackNotice(outcome.reason));
  // The member left while it streamed (the page closed): keep nothing rather than a stand-in answer.
  if (opts.signal?.aborted) return answer;
  await deps.db.transaction().execute(async (tx) => {
    await insertChatMessage(tx, { dog_id: dogId, staff_id: member.id, role: 'user', content_enc: deps.keyRing.encrypt(JSON.stringify({ text: question })), path: null });
    await insertChatMessage(tx, { dog_id: dogId, staff_id: member.id, role: 'assistant', content_enc: deps.keyRing.encrypt(JSON.stringify(answer)), path: answer.path });
  });
  return answer;
}

/** A member's conversation about one dog, oldest first. */
export async function chatHistory(deps: Pick<ChatDeps, 'db' | 'keyRing'>, memberId: string, dogId: string): Promise<ChatMessage[]> {
  const rows = await selectChat(deps.db, memberId, dogId, chatHistoryLimit);
  return rows.map((r) => {
    const content = JSON.parse(deps.keyRing.decrypt(r.content_enc)) as { text: string } | ChatAnswer;
    return r.role === 'user' ? { role: 'user', text: (content as { text: string }).text, at: r.created_at } : { role: 'assistant', answer: content as ChatAnswer, at: r.created_at };
  });
}

/** Forgets a member's conversation about one dog. */
export function forgetChat(deps: Pick<ChatDeps, 'db'>, memberId: string, dogId: string): Promise<number> {
  return deleteChat(deps.db, memberId, dogId);
}
