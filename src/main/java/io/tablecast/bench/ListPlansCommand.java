package io.tablecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.Settings;
import io.tablecast.cli.ExitCodes;
import io.tablecast.cli.NodeClient;
import io.tablecast.db.Pages;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.PageCursor;
import io.tablecast.item.ItemQueries;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench-lists",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Shows how PostgreSQL runs each filter and sort of GET /api/items: starts a node on a fresh",
      "embedded PostgreSQL, fills its live items tables with N items (statuses, categories, owners,",
      "tags, search words and soft deletes in known shares), and prints, for each list, the plan and",
      "EXPLAIN ANALYZE times of the very statements the service runs for its page and its count."
    },
    footer = {"", "Example:", "  java -jar target/tablecast.jar bench-lists --items 1000000"})
public final class ListPlansCommand implements Callable<Integer> {
  /** Runs of each statement; the median time is reported. */
  private static final int RUNS = 5;

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Option(names = "--items", defaultValue = "1000000", description = "Items in the read table (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--data-dir", description = "Where the embedded PostgreSQL lives (default: a new temporary directory, removed after a successful run).")
  Path dataDir;

  @Spec CommandSpec spec;

  /** One list as a client asks for it: its query string (or what it stands for), filter, viewer and page. */
  record Case(String query, ItemQueries.Filter filter, ItemQueries.Viewer viewer, ListParams params) {}

  /** What EXPLAIN ANALYZE said of a statement: median times of {@link #RUNS} runs, the last run's plan. */
  record Explained(double executionMs, double planningMs, List<String> scans, long heapFetches) {}

  @Override
  public Integer call() throws Exception {
    if (items < 1_000) {
      spec.commandLine().getErr().println("error: --items must be at least 1000");
      return ExitCodes.USAGE;
    }
    return LocalNode.run(dataDir, spec, this::measure);
  }

  /** Fills the live read tables, then explains each list's statements. */
  private int measure(LocalNode local) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    NodeClient admin = local.admin();
    // Nothing but this command writes the read tables meanwhile.
    admin.post("/admin/projections/items/pause");
    admin.post("/admin/projections/categories/pause");
    admin.post("/admin/projections/users/pause");
    String itemsSchema = "items_g" + admin.get("/admin/projections/items").get("generation").asInt();
    String categoriesSchema = "categories_g" + admin.get("/admin/projections/categories").get("generation").asInt();
    String usersSchema = "users_g" + admin.get("/admin/projections/users").get("generation").asInt();
    DataSource db = local.node().database().dataSource();

    long start = System.nanoTime();
    fill(db, itemsSchema, categoriesSchema, usersSchema);
    out.printf(Locale.ROOT, "filled %,d items (%s: 70%% published, 20%% draft, 10%% archived; 100 categories; 10,000 owners,"
        + " 1%% of them deleted; 2 of 1,000 tags and 10%% 'featured'; 'urgent' in 10%%; 2%% deleted), vacuumed and analyzed"
        + " in %.1f s%n", items, itemsSchema, (System.nanoTime() - start) / 1e9);
    out.printf(Locale.ROOT, "%-52s %9s %9s %9s %7s  %s%n", "GET /api/items?", "page ms", "plan ms", "count ms", "heap", "plan of the page");
    out.flush();
    Settings.Queries settings = Settings.from(local.config()).queries();
    for (Case c : cases(db, settings)) {
      Pages.Query query = ItemQueries.listQuery(c.filter(), c.viewer(), c.params(), settings.listContentChars());
      List<Object> page = new ArrayList<>(query.pageValues());
      page.add(c.params().skip());
      page.add(c.params().limit());
      List<Object> count = new ArrayList<>(query.values());
      count.add(settings.exactTotalUpTo() + 1);
      Explained pageRun = explain(db, query.page(), page);
      // A full page past the cap runs no count (Pages.fetch).
      String countMs = c.params().rowsBefore() + c.params().limit() > settings.exactTotalUpTo()
          ? "-"
          : String.format(Locale.ROOT, "%.2f", explain(db, query.cappedCount(), count).executionMs());
      out.printf(Locale.ROOT, "%-52s %9.2f %9.2f %9s %7d  %s%n", c.query(),
          pageRun.executionMs(), pageRun.planningMs(), countMs, pageRun.heapFetches(),
          String.join(", ", pageRun.scans()));
      out.flush();
    }
    out.printf(Locale.ROOT, "page: 50 rows, the statement's median execution time of %d runs; plan ms: its planning;"
        + " count: the capped count (%,d rows) a page runs beside it, none past the cap (-); heap: heap fetches of index-only scans%n",
        RUNS, settings.exactTotalUpTo() + 1);
    return ExitCodes.OK;
  }

  /**
   * Rows with known shares, so that every filter has matches: status by i*31 mod 10, a category
   * (none for 1 in 101), one of 10,000 owners (users, 1 in 100 of them deleted, whose items the
   * lists hide), created one second apart, 1 in 50 deleted; tags tag-000 to tag-999, two per item
   * (about 2 in 1,000 items each), and 'featured' on 1 in 10; the search words 'topic NNN' in
   * each title (1 in 1,000 each) and 'urgent' in 1 in 10 contents.
   */
  private void fill(DataSource db, String itemsSchema, String categoriesSchema, String usersSchema) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + usersSchema + ".users (id, email, full_name, is_active, created_at, updated_at, deleted_at, version)"
          + " SELECT md5('owner ' || k)::uuid, 'owner-' || k || '@bench.test', 'Owner ' || k, true,"
          + " timestamptz '2026-01-01', timestamptz '2026-01-01', CASE WHEN k % 100 = 3 THEN timestamptz '2026-01-02' END, 1"
          + " FROM generate_series(0, 9999) k");
      s.execute("INSERT INTO " + categoriesSchema + ".categories (id, name, created_at, updated_at, version)"
          + " SELECT md5('category ' || k)::uuid, 'Category ' || k, timestamptz '2026-01-01', timestamptz '2026-01-01', 1"
          + " FROM generate_series(1, 100) k");
      s.execute("INSERT INTO " + itemsSchema + ".items"
          + " (id, title, content, category_id, status, owner_id, created_at, updated_at, deleted_at, version, slug)"
          + " SELECT md5('item ' || i)::uuid,"
          + " 'Item ' || i || ' topic ' || lpad((i * 7919 % 1000)::text, 3, '0'),"
          + " 'Content of item ' || i || CASE WHEN i * 17 % 10 = 3 THEN ' marked urgent' ELSE '' END,"
          + " CASE WHEN i % 101 = 0 THEN NULL ELSE md5('category ' || (i % 101))::uuid END,"
          + " CASE WHEN i * 31 % 10 < 7 THEN 'published' WHEN i * 31 % 10 < 9 THEN 'draft' ELSE 'archived' END,"
          + " md5('owner ' || (i * 7 % 10000))::uuid,"
          + " timestamptz '2026-01-01' + i * interval '1 second',"
          + " timestamptz '2026-01-01' + i * interval '1 second' + (i * 13 % 86400) * interval '1 second',"
          + " CASE WHEN i % 50 = 7 THEN timestamptz '2026-01-01' + i * interval '1 second' + interval '1 day' END,"
          + " 1, 'item-' || i"
          + " FROM generate_series(1::bigint, " + items + ") i");
      s.execute("INSERT INTO " + itemsSchema + ".item_tags (item_id, tag)"
          + " SELECT md5('item ' || i)::uuid, t FROM generate_series(1::bigint, " + items + ") i,"
          + " LATERAL (VALUES ('tag-' || lpad((i * 13 % 1000)::text, 3, '0')),"
          + " ('tag-' || lpad(((i * 29 + 500) % 1000)::text, 3, '0')),"
          + " (CASE WHEN i * 37 % 10 = 1 THEN 'featured' END)) v(t)"
          + " WHERE t IS NOT NULL");
      s.execute("VACUUM (ANALYZE) " + usersSchema + ".users");
      s.execute("VACUUM (ANALYZE) " + categoriesSchema + ".categories");
      s.execute("VACUUM (ANALYZE) " + itemsSchema + ".items");
      s.execute("VACUUM (ANALYZE) " + itemsSchema + ".item_tags");
    }
  }

  private List<Case> cases(DataSource db, Settings.Queries settings) throws SQLException {
    UUID editor = UUID.randomUUID();
    UUID owner = md5Uuid("owner 42");
    UUID category = md5Uuid("category 17");
    Instant middle = T0.plusSeconds(items / 2);
    ItemQueries.Viewer seesAll = new ItemQueries.Viewer(editor, true);
    ItemQueries.Viewer member = new ItemQueries.Viewer(owner, false);
    ItemQueries.Filter none = new ItemQueries.Filter(null, null, null, null, null, null, null);
    int limit = settings.defaultLimit();
    long cap = settings.exactTotalUpTo();
    ListParams first = new ListParams(0, limit, "created_at", true, false, null, cap);
    List<Case> cases = new ArrayList<>(List.of(
        new Case("(no filter: sort=-created_at)", none, seesAll, first),
        new Case("(a member: published or own)", none, member, first),
        new Case("status=draft", new ItemQueries.Filter("draft", null, null, null, null, null, null), seesAll, first),
        new Case("status=archived (a member: own only)", new ItemQueries.Filter("archived", null, null, null, null, null, null),
            member, first),
        new Case("category_id=…", new ItemQueries.Filter(null, category, null, null, null, null, null), seesAll, first),
        new Case("owner_id=…", new ItemQueries.Filter(null, null, owner, null, null, null, null), seesAll, first),
        new Case("tag=tag-017 (0.2%)", new ItemQueries.Filter(null, null, null, "tag-017", null, null, null), seesAll, first),
        new Case("tag=featured (10%)", new ItemQueries.Filter(null, null, null, "featured", null, null, null), seesAll, first),
        new Case("q=topic 017 (0.1%)", new ItemQueries.Filter(null, null, null, null, "topic 017", null, null), seesAll, first),
        new Case("q=urgent (10%)", new ItemQueries.Filter(null, null, null, null, "urgent", null, null), seesAll, first),
        new Case("created_after=…&created_before=… (1 hour)",
            new ItemQueries.Filter(null, null, null, null, null, middle, middle.plusSeconds(3600)), seesAll, first),
        new Case("sort=title", none, seesAll, new ListParams(0, limit, "title", false, false, null, cap)),
        new Case("sort=-updated_at", none, seesAll, new ListParams(0, limit, "updated_at", true, false, null, cap)),
        new Case("sort=status", none, seesAll, new ListParams(0, limit, "status", false, false, null, cap)),
        new Case("include_deleted=true", none, seesAll, new ListParams(0, limit, "created_at", true, true, null, cap)),
        new Case("category_id=…&status=published&sort=-updated_at",
            new ItemQueries.Filter("published", category, null, null, null, null, null), seesAll,
            new ListParams(0, limit, "updated_at", true, false, null, cap))));
    // Deep pages, by skip and by the cursor of the page before them.
    cases.addAll(deep(db, settings.listContentChars(), "", none, first, 9000));
    cases.addAll(deep(db, settings.listContentChars(), "sort=title&", none, new ListParams(0, limit, "title", false, false, null, cap), 9000));
    cases.addAll(deep(db, settings.listContentChars(), "tag=featured&", new ItemQueries.Filter(null, null, null, "featured", null, null, null), first, 9000));
    cases.addAll(deep(db, settings.listContentChars(), "tag=tag-017&", new ItemQueries.Filter(null, null, null, "tag-017", null, null, null), first, 1500));
    cases.addAll(deep(db, settings.listContentChars(), "q=urgent&", new ItemQueries.Filter(null, null, null, null, "urgent", null, null), first, 9000));
    return cases;
  }

  /**
   * The page {@code depth} rows into a list (for an editor), by {@code skip} and by the cursor of
   * the page before it; none when the list has too few rows for the cursor.
   */
  private static List<Case> deep(
      DataSource db, int contentChars, String query, ItemQueries.Filter filter, ListParams first, int depth) throws SQLException {
    ItemQueries.Viewer editor = new ItemQueries.Viewer(UUID.randomUUID(), true);
    ListParams before = withStart(first, depth - first.limit(), null);
    String next = new ItemQueries(db).list(filter, editor, before, contentChars).next();
    if (next == null) {
      return List.of();
    }
    return List.of(
        new Case(String.format(Locale.ROOT, "%sskip=%d", query, depth), filter, editor, withStart(first, depth, null)),
        new Case(String.format(Locale.ROOT, "%safter=… (row %,d)", query, depth), filter, editor,
            withStart(first, 0, PageCursor.decode(next))));
  }

  private static ListParams withStart(ListParams p, int skip, PageCursor after) {
    return new ListParams(skip, p.limit(), p.sortField(), p.descending(), p.includeDeleted(), after, p.exactTotalUpTo());
  }

  /** What PostgreSQL's {@code md5(text)::uuid} makes of the text, as {@link #fill} names categories and owners. */
  private static UUID md5Uuid(String text) {
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
      return UUID.fromString(HexFormat.of().formatHex(md5).replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of the statement with its values, {@link #RUNS} times. */
  private static Explained explain(DataSource db, String sql, List<Object> values) throws Exception {
    double[] execution = new double[RUNS];
    double[] planning = new double[RUNS];
    JsonNode plan = null;
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
      Pages.bind(ps, values);
      for (int run = 0; run < RUNS; run++) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          JsonNode result = Json.MAPPER.readTree(rs.getString(1)).path(0);
          execution[run] = result.path("Execution Time").asDouble();
          planning[run] = result.path("Planning Time").asDouble();
          plan = result.path("Plan");
        }
      }
    }
    Set<String> scans = new LinkedHashSet<>();
    long[] heapFetches = {0};
    walk(plan, scans, heapFetches);
    return new Explained(median(execution), median(planning), List.copyOf(scans), heapFetches[0]);
  }

  /**
   * Collects the plan's scans, sorts and anti-joins (the owner's deletion), in plan order, and its
   * index-only scans' heap fetches.
   */
  private static void walk(JsonNode node, Set<String> scans, long[] heapFetches) {
    String type = node.path("Node Type").asText();
    String index = node.path("Index Name").asText(null);
    String relation = node.path("Relation Name").asText(null);
    if ("Anti".equals(node.path("Join Type").asText())) {
      scans.add(type + " Anti");
    } else if (type.endsWith("Scan") && (index != null || relation != null)) {
      String direction = "Backward".equals(node.path("Scan Direction").asText()) ? " Backward" : "";
      scans.add(type + direction + (index != null ? " using " + index : " on " + relation));
    } else if (type.endsWith("Sort")) {
      scans.add(type + " (" + node.path("Sort Method").asText("?") + ")");
    }
    heapFetches[0] += node.path("Heap Fetches").asLong(0);
    for (JsonNode child : node.path("Plans")) {
      walk(child, scans, heapFetches);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
