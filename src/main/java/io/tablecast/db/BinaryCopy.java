package io.tablecast.db;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * New rows for one table in PostgreSQL's binary COPY format, sent as one {@code COPY ... FROM
 * STDIN}: PostgreSQL neither parses SQL nor binds parameters per row, and the driver encodes less.
 * It costs PostgreSQL and the driver less per row than the multi-row INSERT the driver rewrites a
 * batch into (performance.md).
 * Fields are written in the column order given, each row with exactly as many as there are columns.
 * The rows are encoded into an array that grows to 64 KB, then into more arrays of 64 KB, integers
 * a whole at a time (not byte by byte through a synchronized stream), and sent from them without
 * another copy. Not one array grown to any size: a batch of item rows is hundreds of kilobytes,
 * and an array of half a heap region or more is a humongous object to G1, allocated straight into
 * the old generation, where each one asked for a concurrent marking cycle during a rebuild.
 */
public final class BinaryCopy {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  private static final long EPOCH_2000_SECONDS = 946_684_800L;
  // The format's integers are big-endian.
  private static final VarHandle INT16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final int CHUNK = 64 * 1024;

  private final String sql;
  private final int columns;
  private final List<byte[]> filled = new ArrayList<>();
  private final List<Integer> filledSizes = new ArrayList<>();
  private byte[] bytes = new byte[8192];
  private int size;
  private int rows;

  public BinaryCopy(String table, String... columns) {
    this.sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT binary)";
    this.columns = columns.length;
    put(SIGNATURE);
    int32(0); // flags: no OIDs
    int32(0); // header extension length
  }

  public BinaryCopy row() {
    rows++;
    int16(columns);
    return this;
  }

  public BinaryCopy uuid(UUID value) {
    if (value == null) {
      return nul();
    }
    int32(16);
    int64(value.getMostSignificantBits());
    int64(value.getLeastSignificantBits());
    return this;
  }

  public BinaryCopy text(String value) {
    if (value == null) {
      return nul();
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    int32(utf8.length);
    put(utf8);
    return this;
  }

  /** A timestamptz: microseconds since 2000-01-01 UTC (event instants carry no finer part). */
  public BinaryCopy timestamp(Instant value) {
    if (value == null) {
      return nul();
    }
    int32(8);
    int64((value.getEpochSecond() - EPOCH_2000_SECONDS) * 1_000_000L + value.getNano() / 1_000);
    return this;
  }

  public BinaryCopy int8(long value) {
    int32(8);
    int64(value);
    return this;
  }

  public BinaryCopy bool(boolean value) {
    int32(1);
    room(1);
    bytes[size++] = (byte) (value ? 1 : 0);
    return this;
  }

  private BinaryCopy nul() {
    int32(-1);
    return this;
  }

  /** Sends the rows (if any) on the caller's connection and transaction; how many. */
  public int send(Connection connection) throws SQLException {
    if (rows == 0) {
      return 0;
    }
    int16(-1);
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      for (int i = 0; i < filled.size(); i++) {
        copy.writeToCopy(filled.get(i), 0, filledSizes.get(i));
      }
      copy.writeToCopy(bytes, 0, size);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    return rows;
  }

  private void int16(int value) {
    room(2);
    INT16.set(bytes, size, (short) value);
    size += 2;
  }

  private void int32(int value) {
    room(4);
    INT32.set(bytes, size, value);
    size += 4;
  }

  private void int64(long value) {
    room(8);
    INT64.set(bytes, size, value);
    size += 8;
  }

  private void put(byte[] value) {
    room(value.length);
    System.arraycopy(value, 0, bytes, size, value.length);
    size += value.length;
  }

  /**
   * Makes {@code more} bytes in a row free in the current array: grows it while it stays within
   * 64 KB (a live batch of a few rows, sent twice per batch, stays small), else starts another.
   */
  private void room(int more) {
    if (size + more <= bytes.length) {
      return;
    }
    if (size + more <= CHUNK) {
      bytes = Arrays.copyOf(bytes, Math.min(CHUNK, Math.max(bytes.length * 2, size + more)));
      return;
    }
    filled.add(bytes);
    filledSizes.add(size);
    bytes = new byte[Math.max(CHUNK, more)];
    size = 0;
  }
}
