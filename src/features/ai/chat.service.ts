/**
 * Asking about one dog's record. The record is read for this dog only (chat/record.read.ts); the
 * answer is drawn from it: today by the record search (the simpler path: the passages that match,
 * or "not in the record"). Each member's conversation is kept per dog, encrypted; the question and
 * answer never reach a log or the audit log.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { TimelineSource } from '../dogs/dogs.public.js';
import { deleteChat, insertChatMessage, selectChat } from './chat.queries.js';
import { notInRecord } from './chat/citations.js';
import type { DogRecord, Passage, RecordSection } from './chat/record.js';
import { readDogRecord } from './chat/record.read.js';
import { searchRecord } from './chat/search.js';

/** What a chat service needs. */
export interface ChatDeps {
  db: Kysely<TenantSchema>;
  keyRing: KeyRing;
  sources: readonly TimelineSource[];
}

/** The question as the form sends it. */
export const questionSchema = z.object({
  question: z.string().trim().min(2, 'Type a question about this dog.').max(500, 'A question is at most 500 characters.'),
});

/** One answer: text, the passages it rests on, and which path made it. */
export interface ChatAnswer {
  text: string;
  passages: Passage[];
  path: 'model' | 'simpler';
}

/** One message of a conversation, decrypted. */
export type ChatMessage = { role: 'user'; text: string; at: Date } | { role: 'assistant'; answer: ChatAnswer; at: Date };

/** Most messages a conversation shows. */
export const chatHistoryLimit = 20;

/** The sections a member may read in the record: applications only with applications.view. */
export function visibleSections(mayViewApplications: boolean): ReadonlySet<RecordSection> {
  const all: RecordSection[] = ['profile', 'medical', 'notes', 'placements', 'history'];
  return new Set(mayViewApplications ? [...all, 'applications'] : all);
}

/** The record search's answer: the matching passages, or "not in the record". */
export function simplerAnswer(record: DogRecord, question: string): ChatAnswer {
  const hits = searchRecord(record, question);
  if (hits.length === 0) return { text: `That is ${notInRecord}.`, passages: [], path: 'simpler' };
  return { text: `These passages of ${record.dogName}'s record match your question:`, passages: hits.map((h) => h.passage), path: 'simpler' };
}

/** Asks one question about one dog, keeps both sides of it, and returns the answer. */
export async function askAboutDog(deps: ChatDeps, member: { id: string; sections: ReadonlySet<RecordSection> }, dogId: string, question: string, today: string): Promise<ChatAnswer> {
  const full = await readDogRecord(deps.db, dogId, deps.sources, today);
  const record: DogRecord = { ...full, passages: full.passages.filter((p) => member.sections.has(p.section)) };
  const answer = simplerAnswer(record, question);
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
