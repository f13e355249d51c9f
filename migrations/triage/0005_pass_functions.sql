-- One delivery's pass (src/triage/store/pass.ts): its one read and its one write, as functions so that
-- each connection plans their statements once (PL/pgSQL keeps the plans) instead of on every call: in
-- bench:triage's PostgreSQL profile, parsing and planning these statements was more than half of the
-- server's time per delivery. Arguments are JSON arrays, so both engines pass them the same way.

-- Everything the engine will read about a delivery's alerts: their rows, their transitions since the
-- flapping window's start, their newest decisions, the firing alerts matching each sibling query
-- ({alertname, labels}: a restarted pod's siblings) and the body's earliest processed copy since the
-- resend window's start.
create function triage_pass_read(fingerprints jsonb, transitions_since timestamptz, siblings jsonb,
                                 body_sha256 text, resend_since timestamptz) returns json
language plpgsql stable set plan_cache_mode = force_generic_plan as $$
declare
  fps text[] := array(select jsonb_array_elements_text(fingerprints));
begin
  return json_build_object(
    'alerts', (select json_agg(a) from alerts a where a.fingerprint = any(fps)),
    'counts', (select json_agg(c) from (select t.fingerprint, count(*)::int as n from alert_transitions t
                 where t.fingerprint = any(fps) and t.at >= transitions_since group by t.fingerprint) c),
    'decisions', (select json_agg(d) from (select distinct on (x.fingerprint) x.* from decisions x
                    where x.fingerprint = any(fps) order by x.fingerprint, x.at desc, x.seq desc) d),
    'copy', (select json_build_object('id', v.id, 'received_at', v.received_at) from deliveries v
               where v.processed_at is not null and v.body_sha256 = triage_pass_read.body_sha256 and v.received_at >= resend_since
               order by v.id limit 1),
    -- Driven from the queries (usually none) through alerts_firing; a row two queries match comes twice.
    'siblings', (select json_agg(a) from jsonb_array_elements(siblings) s
                   join alerts a on a.alertname = s->>'alertname' and a.status = 'firing' and a.labels @> (s->'labels')));
end
$$;

-- The pass's writes, all in the caller's one statement: alert rows upserted (one per fingerprint),
-- transitions and decisions appended (decisions in array order, so seq keeps the order they were
-- made in), and the delivery marked processed (delivery_id null: a delivery that was never stored).
create function triage_pass_write(put_alerts jsonb, new_transitions jsonb, new_decisions jsonb,
                                  delivery_id bigint, processed_at timestamptz) returns void
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
  update deliveries set processed_at = triage_pass_write.processed_at, decision_count = jsonb_array_length(new_decisions)
  where id = triage_pass_write.delivery_id;
end
$$;
