package io.tablecast.evolution;

import io.tablecast.category.Category;
import io.tablecast.item.Item;
import io.tablecast.profile.Profile;
import io.tablecast.unique.UniqueValue;
import io.tablecast.user.User;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What each fixture under {@code events/} holds once deserialized: fixture name
 * ({@code <aggregate>/<Class>.v<version>}, or {@code ...v<version>.<variant>} for another shape of
 * a current version, such as one with its optional fields set) → the object of the current class. The item, user and
 * category events tell one coherent history (replayed by {@code EventReplayIT}); a fixture of an
 * old version maps to what its migration makes of it today.
 */
final class EventSamples {
  static final UUID ITEM = UUID.fromString("5f0c1a2e-8a55-4c1e-9a57-3a8f2b6d1e01");
  static final UUID USER = UUID.fromString("0b7d3c44-2f1e-4d8a-b1c9-6e2a7f3d9c02");
  static final UUID CATEGORY = UUID.fromString("c4e8a1d2-7b3f-4a6e-8d5c-1f9b2e7a4c03");
  static final UUID VOIDED_USER = UUID.fromString("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c04");
  static final UUID VOIDED_CATEGORY = UUID.fromString("1d2c3b4a-5f6e-4d7c-9b8a-7f6e5d4c3b05");
  static final UUID MODERATOR = UUID.fromString("7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a006");
  static final String EMAIL = "ada@example.com";
  static final String PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

  /** Minute {@code n} of the fixtures' history (with microseconds, as the aggregates stamp events). */
  static Instant at(int n) {
    return Instant.parse("2026-01-05T09:00:00.000001Z").plusSeconds(60L * n);
  }

  static final Map<String, Object> ALL = new LinkedHashMap<>();

  static {
    // users: Ada registers, changes her name, is deleted and restored
    ALL.put("user/Registered.v1", new User.Registered(USER, EMAIL, PASSWORD_HASH, "Ada Lovelace", List.of("user"), at(0), null));
    ALL.put("user/Updated.v1",
        new User.Updated(USER, "Ada King", PASSWORD_HASH, true, List.of("editor", "user"), List.of("full_name", "roles"), at(1), null));
    ALL.put("user/Deleted.v1", new User.Deleted(USER, at(2), null));
    ALL.put("user/Restored.v1", new User.Restored(USER, at(3), null));
    ALL.put("user/Voided.v1", new User.Voided(VOIDED_USER, at(4), null));
    // A version 1 snapshot cannot tell which event last took access away: it is read as its last (4).
    ALL.put("user/State.v1", new User.State(USER, EMAIL, PASSWORD_HASH, "Ada King", List.of("editor", "user"), true, at(0), at(3),
        null, 4, false, 4));
    // Folded from the events: the deletion (3) was the last that took access away.
    ALL.put("user/State.v2", new User.State(USER, EMAIL, PASSWORD_HASH, "Ada King", List.of("editor", "user"), true, at(0), at(3),
        null, 4, false, 3));

    // categories: created, renamed, deleted, restored
    ALL.put("category/Created.v1", new Category.Created(CATEGORY, "Engines", "Analytical and difference engines", at(5), null));
    ALL.put("category/Updated.v1",
        new Category.Updated(CATEGORY, "Computing engines", "Analytical and difference engines", List.of("name"), at(6), null));
    ALL.put("category/Deleted.v1", new Category.Deleted(CATEGORY, "Computing engines", at(7), null));
    ALL.put("category/Restored.v1", new Category.Restored(CATEGORY, at(8), null));
    ALL.put("category/Voided.v1", new Category.Voided(VOIDED_CATEGORY, at(9), null));
    ALL.put("category/State.v1",
        new Category.State(CATEGORY, "Computing engines", "Analytical and difference engines", at(5), at(8), null, 4, false));

    // items: created in the category, updated (twice, one per Updated version), detached, deleted, restored
    ALL.put("item/Created.v1",
        new Item.Created(ITEM, "Notes", "On the engine", "draft", CATEGORY, USER, List.of("history", "json"), at(10), null));
    ALL.put("item/Updated.v1",
        new Item.Updated(ITEM, "Notes by the translator", "On the engine", "draft", CATEGORY, List.of("history", "json"),
            List.of("title"), at(11), null));
    ALL.put("item/Updated.v2",
        new Item.Updated(ITEM, "Notes by the translator", "On the engine, with notes A to G", "published", CATEGORY,
            List.of("history", "jackson", "json"), List.of("content", "status", "tags"), at(12), null));
    ALL.put("item/CategoryDetached.v1", new Item.CategoryDetached(ITEM, CATEGORY, at(13), null));
    // written before deletions named who deleted: reads as deleted by its owner (no deletedBy, not moderated)
    ALL.put("item/Deleted.v1", new Item.Deleted(ITEM, at(14), null, null, false, null));
    ALL.put("item/Restored.v1", new Item.Restored(ITEM, at(15), null));
    // variants of the current versions: a moderator deletes the item, and its snapshot says so
    ALL.put("item/Deleted.v1.moderated", new Item.Deleted(ITEM, at(16), null, MODERATOR, true, null));
    ALL.put("item/State.v1.moderated", new Item.State(ITEM, "Notes by the translator", "On the engine, with notes A to G",
        "published", null, USER, List.of("history", "jackson", "json"), at(10), at(16), at(16), 7, MODERATOR, null));
    ALL.put("item/State.v1", new Item.State(ITEM, "Notes by the translator", "On the engine", "draft", CATEGORY, USER,
        List.of("history", "json"), at(10), at(11), null, 2, null, null));
    // ... and the service deletes it with its owner (after a restore by the moderator), which its snapshot says too
    ALL.put("item/Deleted.v1.owner-deleted",
        new Item.Deleted(ITEM, at(18), null, null, false, Item.DeletionReason.OWNER_DELETED));
    ALL.put("item/State.v1.owner-deleted", new Item.State(ITEM, "Notes by the translator", "On the engine, with notes A to G",
        "published", null, USER, List.of("history", "jackson", "json"), at(10), at(18), at(18), 9, null,
        Item.DeletionReason.OWNER_DELETED));

    // Ada's profile: created, deleted and restored with her (minutes 2 and 3), changed, deleted by hand
    ALL.put("profile/Created.v1", new Profile.Created(USER, "Mathematician", "https://ada.example.com", "London",
        "https://ada.example.com/ada.png", at(1), null));
    ALL.put("profile/OwnerDeleted.v1", new Profile.OwnerDeleted(USER, true, at(2), null));
    ALL.put("profile/OwnerRestored.v1", new Profile.OwnerRestored(USER, true, at(3), null));
    ALL.put("profile/Updated.v1", new Profile.Updated(USER, "Mathematician and writer", "https://ada.example.com", null,
        "https://ada.example.com/ada.png", List.of("bio", "location"), at(17), null));
    ALL.put("profile/Deleted.v1", new Profile.Deleted(USER, at(18), null));
    ALL.put("profile/State.v1", new Profile.State(USER, new Profile.Fields("Mathematician and writer", "https://ada.example.com",
        null, "https://ada.example.com/ada.png"), at(1), at(17), null, 4, false, false));

    // the email reservation of Ada
    ALL.put("unique/Claimed.v1", new UniqueValue.Claimed(USER, at(0)));
    ALL.put("unique/Confirmed.v1", new UniqueValue.Confirmed(USER, at(0)));
    ALL.put("unique/Released.v1", new UniqueValue.Released(USER, at(2)));
    ALL.put("unique/State.v1", new UniqueValue.State(USER, true, 1, at(0)));
  }

  private EventSamples() {}
}
