-- Photo matching (issue 17): one vector per approved photo per embedder model. The column is an
-- untyped `vector` so models of any dimension share the table; pgvector's HNSW needs a fixed
-- dimension, so the application creates one partial expression index per model the first time it
-- stores that model's vectors: ((embedding::vector(N)) vector_cosine_ops) where model_id = '…'.
-- A server without pgvector (0001 let it migrate) gets no table, and matching says it is unavailable.
do $$
begin
  if not exists (select 1 from pg_type where typname = 'vector') then
    raise notice 'pgvector not enabled: photo_embeddings not created';
    return;
  end if;
  create table photo_embeddings (
    photo_id uuid not null references dog_photos (id) on delete cascade,
    dog_id uuid not null references dogs (id) on delete cascade,
    model_id text not null check (model_id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    dimension integer not null check (dimension between 1 and 4096),
    embedding vector not null check (vector_dims(embedding) = dimension),
    created_at timestamptz not null default now(),
    primary key (photo_id, model_id)
  );
  -- The re-embed job's "photos lacking this model's vector" and the removal of an old model's.
  create index photo_embeddings_model on photo_embeddings (model_id, photo_id);
  create index photo_embeddings_dog on photo_embeddings (dog_id);
end $$;
