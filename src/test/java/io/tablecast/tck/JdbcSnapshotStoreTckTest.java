package io.tablecast.tck;

import akka.persistence.CapabilityFlag;
import akka.persistence.japi.snapshot.JavaSnapshotStoreSpec;

/** Akka's snapshot-store TCK against our configuration on PostgreSQL (ScalaTest on the JUnit Platform). */
public class JdbcSnapshotStoreTckTest extends JavaSnapshotStoreSpec {
  public JdbcSnapshotStoreTckTest() {
    super(PostgresTck.configFor("tck_snapshot"));
  }

  /** akka-persistence-jdbc stores snapshot metadata (meta_ser_id / meta_payload). */
  @Override
  public CapabilityFlag supportsMetadata() {
    return CapabilityFlag.on();
  }
}
