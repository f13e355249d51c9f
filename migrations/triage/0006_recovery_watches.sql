-- Alerts whose planned action is held while their value recovers (src/triage/engine/routine.ts): kept
-- here, not only in the process, so a watched alert is still watched after `kona triage` restarts.
-- The labels and the alert's generatorURL (its expression) are what the recovery check reads;
-- `pending` marks a hold whose first check had not answered within the delivery's wait.
create table recovery_watches (
  fingerprint text primary key,
  labels jsonb not null,
  generator_url text not null,
  since timestamptz not null,
  pending boolean not null default false
);

-- The pass's write (0005) also stores and ends watches, in the same one statement.
drop function triage_pass_write(jsonb, jsonb, jsonb, bigint, timestamptz);
create function triage_pass_write(put_alerts jsonb, new_transitions jsonb, new_decisions jsonb,
                                  delivery_id bigint, processed_at timestamptz,
                                  put_watches jsonb, end_watches jsonb) returns void
language plpgsql set plan_cache_mode = force_generic_plan as $$
begin
  insert into alerts (fingerprint, alertname, labels, annotations, status, starts_at, ends_at, first_seen, last_seen, last_route)
  select r.fingerprint, r.alertname, r.labels, r.annotations, r.status, r.starts_at, r.ends_at, r.first_seen, r.last_seen, r.last_route
  from jsonb_populate_recordset(null::alerts, put_alerts) as r
  on conflict (fingerprint) do update set alertname = excluded.alertname, labels = excluded.labels, annotations = excluded.annotations,
    status = excluded.status, starts_at = excluded.starts_at, ends_at = excluded.ends_at, first_seen = excluded.first_seen,
    last_seen = excluded.last_seen, last_route = excluded.last_route;
  insert into alert_transitions (fingerprint, status, at)
  select r.fingerprint, r.status, r.at from jsonb_populate_recordset(null::alert_transitions, new_transitions) as r;
  insert into decisions (id, delivery_id, fingerprint, alertname, severity, status, class, route, rule, reasons, action, mode, at)
  select r.id, r.delivery_id, r.fingerprint, r.alertname, r.severity, r.status, r.class, r.route, r.rule, r.reasons, r.action, r.mode, r.at
  from jsonb_array_elements(new_decisions) with ordinality as e(v, n), jsonb_populate_record(null::decisions, e.v) as r
  order by e.n;
  -- Most passes hold and end no watch: skip both statements then.
  if jsonb_array_length(end_watches) > 0 then
    delete from recovery_watches w where w.fingerprint in (select jsonb_array_elements_text(end_watches));
  end if;
  if jsonb_array_length(put_watches) > 0 then
    insert into recovery_watches (fingerprint, labels, generator_url, since, pending)
    select r.fingerprint, r.labels, r.generator_url, r.since, r.pending from jsonb_populate_recordset(null::recovery_watches, put_watches) as r
    on conflict (fingerprint) do update set labels = excluded.labels, generator_url = excluded.generator_url, since = least(recovery_watches.since, excluded.since), pending = excluded.pending;
  end if;
  update deliveries set processed_at = triage_pass_write.processed_at, decision_count = jsonb_array_length(new_decisions)
  where id = triage_pass_write.delivery_id;
end
$$;
