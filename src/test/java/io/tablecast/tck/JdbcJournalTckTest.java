package io.tablecast.tck;

import akka.persistence.CapabilityFlag;
import akka.persistence.japi.journal.JavaJournalSpec;

/**
 * Akka's journal TCK against our journal configuration on PostgreSQL. A ScalaTest suite, run on
 * the JUnit Platform by scalatest-junit-runner next to the Jupiter tests.
 */
public class JdbcJournalTckTest extends JavaJournalSpec {
  public JdbcJournalTckTest() {
    super(PostgresTck.configFor("tck_journal"));
  }

  /** akka-persistence-jdbc stores event metadata (meta_ser_id / meta_payload). */
  @Override
  public CapabilityFlag supportsMetadata() {
    return CapabilityFlag.on();
  }
}
