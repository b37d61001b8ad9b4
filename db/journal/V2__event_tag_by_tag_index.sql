-- eventsByTag reads `WHERE tag = ? AND event_id > ?`; the primary key leads with event_id.
CREATE INDEX event_tag_tag_event_id_idx ON event_tag (tag, event_id);
