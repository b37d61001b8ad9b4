package io.tablecast.item;

import io.tablecast.db.Pages;
import io.tablecast.db.Sql;
import io.tablecast.http.ListParams;
import io.tablecast.http.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads of the items read tables (through the `read` views, i.e. the live generation), joined with
 * the categories read table for each item's category name.
 *
 * <p>The items of a user the users table shows deleted are hidden like deleted items, from the
 * moment the users projection has the deletion: {@link OwnerCascade} deletes them one by one
 * afterwards, and a list never shows that half done. Only {@code include_deleted} (admins; by id,
 * whoever may change the item) shows them.
 */
public final class ItemQueries {
  public static final Set<String> SORTABLE = Set.of("created_at", "updated_at", "title", "status");
  public static final String DEFAULT_SORT = "-created_at";
  private static final String PUBLISHED = "published";

  /** Filters of GET /api/items; null means "any". */
  public record Filter(
      String status, UUID categoryId, UUID ownerId, String tag, String q, Instant createdAfter, Instant createdBefore) {}

  /** Who is asking: editors and admins see every item, others published ones and their own. */
  public record Viewer(UUID userId, boolean seesAll) {}

  /**
   * An item row {@code i} with its category's name and its tags, after its content and
   * content_truncated; tags come from item_tags' primary key. Both are subqueries by key rather
   * than joins: a join would have the planner weigh join orders and methods for a page it plans
   * anew every time (bench-lists).
   */
  private static final String COLUMNS =
      " i.id, i.title, i.category_id, i.status, i.owner_id, i.version, i.created_at, i.updated_at, i.deleted_at,"
          + " (SELECT c.name FROM read.categories c WHERE c.id = i.category_id AND c.deleted_at IS NULL) AS category_name,"
          + " ARRAY(SELECT t.tag FROM read.item_tags t WHERE t.item_id = i.id ORDER BY t.tag) AS tags";
  /** The whole content, for a read by id. */
  private static final String WHOLE_CONTENT = "i.content, false AS content_truncated,";
  /**
   * A list row's content: its first characters (the two parameters: how many), cut by the
   * database so that the rest is never sent. PostgreSQL counts characters as code points, as
   * Item.MAX_CONTENT_LENGTH does.
   */
  private static final String CONTENT_START = "left(i.content, ?) AS content, length(i.content) > ? AS content_truncated,";
  /**
   * The item's owner is not deleted: an anti-join on users.id, which the partial index of deleted
   * users' ids (users_deleted_idx) serves from the index alone. An item without an owner has none
   * to follow.
   */
  private static final String OWNER_NOT_DELETED =
      "NOT EXISTS (SELECT 1 FROM read.users u WHERE u.id = i.owner_id AND u.deleted_at IS NOT NULL)";
  /** The expression the trigram index items_search_idx is built on. */
  private static final String SEARCHED = "(lower(i.title) || ' ' || lower(i.content))";

  private final DataSource dataSource;

  public ItemQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The row, deleted or not (callers decide who may see it); the row of an item whose owner is
   * deleted only {@code withDeletedOwners}.
   */
  public Optional<ItemView> find(UUID id, boolean withDeletedOwners) throws SQLException {
    String sql = "SELECT " + WHOLE_CONTENT + COLUMNS + " FROM read.items i WHERE i.id = ?"
        + (withDeletedOwners ? "" : " AND " + OWNER_NOT_DELETED);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /** A page of items, each showing at most {@code contentChars} characters of its content. */
  public Page<ItemView> list(Filter filter, Viewer viewer, ListParams params, int contentChars) throws SQLException {
    return Pages.fetch(dataSource, listQuery(filter, viewer, params, contentChars), params, ItemQueries::row);
  }

  /** The page and count statements {@link #list} runs (also explained by {@code bench-lists}). */
  public static Pages.Query listQuery(Filter filter, Viewer viewer, ListParams params, int contentChars) {
    List<String> conditions = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    if (!params.includeDeleted()) {
      conditions.add("i.deleted_at IS NULL");
      conditions.add(OWNER_NOT_DELETED);
    }
    if (!viewer.seesAll() && !PUBLISHED.equals(filter.status())) {
      // Others' items are visible only when published: with a status filter other than
      // published, only the viewer's own match (a condition the owner index serves).
      conditions.add(filter.status() == null ? "(i.status = 'published' OR i.owner_id = ?)" : "i.owner_id = ?");
      values.add(viewer.userId());
    }
    if (filter.status() != null) {
      conditions.add("i.status = ?");
      values.add(filter.status());
    }
    if (filter.categoryId() != null) {
      conditions.add("i.category_id = ?");
      values.add(filter.categoryId());
    }
    if (filter.ownerId() != null) {
      conditions.add("i.owner_id = ?");
      values.add(filter.ownerId());
    }
    if (filter.tag() != null) {
      conditions.add("EXISTS (SELECT 1 FROM read.item_tags t WHERE t.item_id = i.id AND t.tag = ?)");
      values.add(filter.tag());
    }
    if (filter.q() != null) {
      conditions.add(SEARCHED + " LIKE ? ESCAPE '\\'");
      values.add("%" + escapeLike(filter.q().toLowerCase(java.util.Locale.ROOT)) + "%");
    }
    if (filter.createdAfter() != null) {
      conditions.add("i.created_at > ?");
      values.add(java.time.OffsetDateTime.ofInstant(filter.createdAfter(), java.time.ZoneOffset.UTC));
    }
    if (filter.createdBefore() != null) {
      conditions.add("i.created_at < ?");
      values.add(java.time.OffsetDateTime.ofInstant(filter.createdBefore(), java.time.ZoneOffset.UTC));
    }
    String where = Pages.where(conditions);
    // The sort column comes from SORTABLE, never from the request verbatim.
    String column = "i." + SORTABLE.stream().filter(params.sortField()::equals).findFirst().orElseThrow();
    String direction = params.descending() ? " DESC" : " ASC";
    String order = " ORDER BY " + column + direction + ", i.id" + direction;
    List<Object> pageValues = new ArrayList<>(List.of(contentChars, contentChars));
    pageValues.addAll(values);
    String pageWhere = Pages.pageWhere(conditions, column, "i.id", params, pageValues);
    // The page's ids are cut from items alone, reading only the sort column, the id and what the
    // filters name: for the default filters that is all in the sort index (an index-only scan, so
    // the rows OFFSET skips cost no heap reads). The page's rows are then read by their ids (an
    // array, not a join: half the planning, which every page pays), and the category and the tags
    // are read for them only.
    String page = "SELECT " + CONTENT_START + COLUMNS + ", " + Pages.keyColumn(column) + " FROM read.items i WHERE i.id = ANY (ARRAY("
        + "SELECT i.id FROM read.items i" + pageWhere + order + " OFFSET ? LIMIT ?))" + order;
    return new Pages.Query(page, pageValues, "FROM read.items i" + where, values);
  }

  /** The ids of items (deleted or not) whose row names the category. */
  public List<UUID> inCategory(UUID categoryId) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM read.items WHERE category_id = ?")) {
      ps.setObject(1, categoryId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(Sql.uuid(rs, "id"));
        }
      }
    }
    return ids;
  }

  /** The ids of the owner's items, deleted or not. */
  public List<UUID> ownedBy(UUID ownerId) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM read.items WHERE owner_id = ?")) {
      ps.setObject(1, ownerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(Sql.uuid(rs, "id"));
        }
      }
    }
    return ids;
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static ItemView row(ResultSet rs) throws SQLException {
    UUID categoryId = Sql.uuid(rs, "category_id");
    return new ItemView(
        Sql.uuid(rs, "id"),
        rs.getString("title"),
        rs.getString("content"),
        rs.getBoolean("content_truncated"),
        categoryId,
        categoryId == null ? null : new ItemView.CategoryRef(categoryId, rs.getString("category_name")),
        rs.getString("status"),
        Sql.uuid(rs, "owner_id"),
        Arrays.asList((String[]) rs.getArray("tags").getArray()),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"),
        Sql.instant(rs, "deleted_at"));
  }
}
