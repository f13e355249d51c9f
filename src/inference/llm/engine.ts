/**
 * The CPU inference engine behind `kona llm-serve`: a GGUF model loaded by llama.cpp through
 * node-llama-cpp, one context with a sequence per slot, and a FIFO queue in front of the slots (one
 * request per sequence at a time). node-llama-cpp is an opt-in install (about 650 MB with its GPU
 * variants), so it is loaded with a dynamic import and typed here by the few parts Kona uses: the
 * default install, without it, still builds and type-checks.
 */

import { toGrammarSchema } from './schema.js';

/** How an operator installs the engine (shown when it is missing). */
export const INSTALL_HINT = 'npm run install:llm (npm i --no-save -E node-llama-cpp@3.21.1)';

/** node-llama-cpp is not installed, or its native binary does not load. */
export class LlmNotInstalledError extends Error {
  constructor(cause?: unknown) {
    super(`node-llama-cpp is not installed; run ${INSTALL_HINT}`, { cause });
    this.name = 'LlmNotInstalledError';
  }
}

/** A request the engine cannot run as asked (bad schema, too long a prompt): a 400. */
export class LlmRequestError extends Error {
  readonly status = 400;
}

/** The queue is full: a 503 with Retry-After. */
export class LlmBusyError extends Error {
  readonly status = 503;
}

type Token = number;
interface Tokenizer { (text: string, specialTokens?: boolean): Token[] }
interface Grammar { readonly grammar: string }
interface ChatHistoryItem { type: 'system' | 'user'; text: string }
interface ModelHistoryItem { type: 'model'; response: string[] }
interface LlamaChatLike {
  readonly chatWrapper: { readonly wrapperName: string; generateContextState(o: { chatHistory: Array<ChatHistoryItem | ModelHistoryItem> }): { contextText: { tokenize(t: Tokenizer): Token[] } } };
  generateResponse(history: Array<ChatHistoryItem | ModelHistoryItem>, options: {
    grammar?: Grammar; maxTokens?: number; temperature?: number; seed?: number; topP?: number;
    customStopTriggers?: string[]; signal?: AbortSignal; stopOnAbortSignal?: boolean;
    onTextChunk?: (text: string) => void; onToken?: (tokens: Token[]) => void;
  }): Promise<{ response: string; metadata: { stopReason: string } }>;
}
interface LlamaModelLike {
  readonly tokenizer: Tokenizer;
  readonly trainContextSize: number;
  createContext(o: { contextSize: number; threads: number; sequences: number }): Promise<{ getSequence(): unknown; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}
interface LlamaLike {
  loadModel(o: { modelPath: string }): Promise<LlamaModelLike>;
  createGrammarForJsonSchema(schema: object): Promise<Grammar>;
  getGrammarFor(name: 'json'): Promise<Grammar>;
  dispose(): Promise<void>;
}
interface NodeLlamaCpp {
  getLlama(o: { gpu: false; build: 'never'; logLevel: unknown; progressLogs: boolean }): Promise<LlamaLike>;
  LlamaChat: new (o: { contextSequence: unknown; autoDisposeSequence: boolean }) => LlamaChatLike;
  LlamaLogLevel: { error: unknown };
}

/** Loads node-llama-cpp, or throws LlmNotInstalledError with the install command. */
export async function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  const name = 'node-llama-cpp'; // a variable: TypeScript must not resolve a module the default install lacks
  try {
    return (await import(name)) as NodeLlamaCpp;
  } catch (err) {
    throw new LlmNotInstalledError(err);
  }
}

/** What to load. */
export interface LlmEngineOptions {
  modelPath: string;
  /** CPU threads (1 on a two-core box: more threads there slow generation twenty-fold). */
  threads: number;
  /** Context tokens per sequence. */
  contextSize: number;
  /** Sequences decoded at once (each its own KV cache). */
  slots: number;
  /** Requests waiting for a slot before new ones get 503 (default 64). */
  maxQueue?: number;
}

/** One chat message, as the OpenAI API sends it (text only). */
export interface EngineMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

/** One generation. */
export interface GenerateRequest {
  messages: EngineMessage[];
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  /** A JSON schema to constrain the output to, or `json` for any JSON object. */
  format?: { type: 'json_schema'; schema: object } | { type: 'json' };
  signal?: AbortSignal;
  /** Called with each piece of text as it is generated (streaming). */
  onText?: (text: string) => void;
}

/** A finished generation. */
export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length';
  /** The caller's signal stopped it (the client went away). */
  aborted: boolean;
  promptTokens: number;
  completionTokens: number;
}

/** A slot's state, in the shape llama.cpp's `/slots` reports. */
export interface SlotState {
  id: number;
  busy: boolean;
  decoded: number;
}

interface Slot extends SlotState {
  chat: LlamaChatLike;
}

/** A loaded model with its slots and queue. */
export class LlmEngine {
  private readonly waiting: Array<{ resolve(slot: Slot): void; reject(err: Error): void; signal?: AbortSignal }> = [];
  private readonly grammars = new Map<string, Promise<Grammar>>();
  private closed = false;

  private constructor(
    private readonly llama: LlamaLike,
    private readonly model: LlamaModelLike,
    private readonly context: { dispose(): Promise<void> },
    private readonly slots: Slot[],
    readonly contextSize: number,
    private readonly maxQueue: number,
  ) {}

  /** Loads the model and creates its context (throws LlmNotInstalledError without node-llama-cpp). */
  static async load(opts: LlmEngineOptions): Promise<LlmEngine> {
    const lib = await loadNodeLlamaCpp();
    // CPU only and never a source build: an operator with a GPU runs vLLM or llama-server instead.
    const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false });
    const model = await llama.loadModel({ modelPath: opts.modelPath }).catch(async (err: unknown) => {
      await llama.dispose();
      throw err;
    });
    const contextSize = Math.min(opts.contextSize, model.trainContextSize);
    const context = await model.createContext({ contextSize, threads: opts.threads, sequences: opts.slots });
    const slots: Slot[] = Array.from({ length: opts.slots }, (_, id) => ({
      id, busy: false, decoded: 0, chat: new lib.LlamaChat({ contextSequence: context.getSequence(), autoDisposeSequence: false }),
    }));
    return new LlmEngine(llama, model, context, slots, contextSize, opts.maxQueue ?? 64);
  }

  /** The chat template node-llama-cpp picked from the model (e.g. ChatML, Jinja). */
  get chatWrapperName(): string {
    return this.slots[0]!.chat.chatWrapper.wrapperName;
  }

  /** Each slot's state and the queue length. */
  state(): { slots: SlotState[]; waiting: number } {
    return { slots: this.slots.map(({ id, busy, decoded }) => ({ id, busy, decoded })), waiting: this.waiting.length };
  }

  /** Runs one generation when a slot is free (FIFO). */
  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const history = toHistory(req.messages);
    const grammar = req.format ? await this.grammarFor(req.format) : undefined;
    const slot = await this.acquire(req.signal);
    try {
      const promptTokens = slot.chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(this.model.tokenizer).length;
      if (promptTokens + 1 > this.contextSize) throw new LlmRequestError(`the prompt is ${promptTokens} tokens; this model's context holds ${this.contextSize}`);
      let completionTokens = 0;
      const result = await slot.chat.generateResponse(history, {
        grammar, maxTokens: Math.min(req.maxTokens, this.contextSize - promptTokens), temperature: req.temperature, topP: req.topP, seed: req.seed,
        customStopTriggers: req.stop?.length ? req.stop : undefined, signal: req.signal, stopOnAbortSignal: true,
        onToken: (tokens) => { completionTokens += tokens.length; slot.decoded = completionTokens; },
        onTextChunk: req.onText,
      });
      const stop = result.metadata.stopReason;
      return { text: result.response, finishReason: stop === 'maxTokens' ? 'length' : 'stop', aborted: stop === 'abort', promptTokens, completionTokens };
    } finally {
      this.release(slot);
    }
  }

  /** Frees the model; waiting requests are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new LlmBusyError('the server is shutting down'));
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private grammarFor(format: NonNullable<GenerateRequest['format']>): Promise<Grammar> {
    const key = format.type === 'json' ? 'json' : JSON.stringify(format.schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      const build = async () => format.type === 'json' ? this.llama.getGrammarFor('json') : this.llama.createGrammarForJsonSchema(toGrammarSchema(format.schema) as object);
      grammar = build().catch((err: unknown) => {
        this.grammars.delete(key);
        throw new LlmRequestError(`response_format: the JSON schema cannot be turned into a grammar: ${err instanceof Error ? err.message : String(err)}`);
      });
      if (this.grammars.size >= 32) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) return Promise.reject(new LlmBusyError('the server is shutting down'));
    const free = this.slots.find((s) => !s.busy);
    if (free && this.waiting.length === 0) {
      free.busy = true;
      free.decoded = 0;
      return Promise.resolve(free);
    }
    if (this.waiting.length >= this.maxQueue) return Promise.reject(new LlmBusyError(`all ${this.slots.length} slots are busy and ${this.waiting.length} requests wait`));
    return new Promise<Slot>((resolve, reject) => {
      const entry = { resolve, reject, signal };
      this.waiting.push(entry);
      signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new LlmBusyError('the client went away while queued'));
      }, { once: true });
    });
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) {
      slot.decoded = 0;
      next.resolve(slot);
    } else {
      slot.busy = false;
    }
  }
}

/** OpenAI messages to node-llama-cpp's chat history, ending with the model's turn to answer. */
function toHistory(messages: EngineMessage[]): Array<ChatHistoryItem | ModelHistoryItem> {
  const last = messages.at(-1);
  if (!last || last.role === 'assistant') throw new LlmRequestError('messages: the last message must be from the user or system');
  const history: Array<ChatHistoryItem | ModelHistoryItem> = messages.map((m) =>
    m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role === 'user' ? 'user' : 'system', text: m.content });
  history.push({ type: 'model', response: [] });
  return history;
}
