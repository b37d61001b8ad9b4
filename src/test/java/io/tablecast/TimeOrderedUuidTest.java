package io.tablecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedUuidTest {
  @Test
  void isAVersion7UuidWithTheMillisecondsInItsTop48Bits() {
    long millis = 1_764_000_000_123L;
    UUID id = TimeOrderedUuid.at(millis);
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(millis, id.getMostSignificantBits() >>> 16);
    assertTrue(id.toString().startsWith(String.format("%08x-%04x-7", millis >>> 16, millis & 0xFFFF)), id.toString());
  }

  @Test
  void idsOfLaterMillisecondsSortAfterAndIdsOfOneMillisecondDiffer() {
    UUID earlier = TimeOrderedUuid.at(1_764_000_000_000L);
    UUID later = TimeOrderedUuid.at(1_764_000_000_001L);
    // As PostgreSQL's uuid type orders them: byte by byte, unsigned (the text form sorts the same).
    assertTrue(earlier.toString().compareTo(later.toString()) < 0);
    Set<UUID> sameMillisecond = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      sameMillisecond.add(TimeOrderedUuid.at(1_764_000_000_000L));
    }
    assertEquals(10_000, sameMillisecond.size());
  }

  @Test
  void createUsesTheClock() {
    long before = System.currentTimeMillis();
    UUID id = TimeOrderedUuid.create();
    long after = System.currentTimeMillis();
    long millis = id.getMostSignificantBits() >>> 16;
    assertTrue(before <= millis && millis <= after, id.toString());
  }
}
