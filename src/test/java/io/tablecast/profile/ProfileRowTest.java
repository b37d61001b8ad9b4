package io.tablecast.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The profiles projection's fold, without a database: given a profile's events, expect its row. */
class ProfileRowTest {
  private static final UUID USER = UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c");
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.000001Z");

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static final Profile.Created CREATED =
      new Profile.Created(USER, "Mathematician", "https://ada.example.com", "London", "https://ada.example.com/a.png", T0, null);

  private static ProfileRow created() {
    return ProfileRow.fold(null, CREATED, 1);
  }

  @Test
  void aCreatedProfilesRowTakesItsTimesFromTheEventAndItsVersionFromTheSequenceNumber() {
    assertEquals(new ProfileRow(USER, "Mathematician", "https://ada.example.com", "London", "https://ada.example.com/a.png",
        T0, T0, null, 1), created());
  }

  @Test
  void anUpdateReplacesTheFieldsAndKeepsTheCreation() {
    ProfileRow row = ProfileRow.fold(created(),
        new Profile.Updated(USER, "Poet", null, "Paris", null, List.of("bio", "website", "location", "avatar_url"), at(5), null), 2);
    assertEquals(new ProfileRow(USER, "Poet", null, "Paris", null, T0, at(5), null, 2), row);
  }

  @Test
  void aDeletionByHandOrWithTheOwnerSetsDeletedAtAndARestorationWithTheOwnerClearsIt() {
    ProfileRow byHand = ProfileRow.fold(created(), new Profile.Deleted(USER, at(5), null), 2);
    assertEquals(at(5), byHand.deletedAt());
    assertEquals(at(5), byHand.updatedAt());
    ProfileRow withOwner = ProfileRow.fold(created(), new Profile.OwnerDeleted(USER, true, at(6), null), 2);
    assertEquals(at(6), withOwner.deletedAt());
    ProfileRow back = ProfileRow.fold(withOwner, new Profile.OwnerRestored(USER, true, at(7), null), 3);
    assertEquals(new ProfileRow(USER, "Mathematician", "https://ada.example.com", "London", "https://ada.example.com/a.png",
        T0, at(7), null, 3), back);
  }

  @Test
  void theOwnersDeletionAndRestorationOfAProfileDeletedByHandChangeOnlyItsVersion() {
    ProfileRow byHand = ProfileRow.fold(created(), new Profile.Deleted(USER, at(5), null), 2);
    ProfileRow ownerDeleted = ProfileRow.fold(byHand, new Profile.OwnerDeleted(USER, false, at(6), null), 3);
    ProfileRow ownerRestored = ProfileRow.fold(ownerDeleted, new Profile.OwnerRestored(USER, false, at(7), null), 4);
    assertEquals(new ProfileRow(USER, "Mathematician", "https://ada.example.com", "London", "https://ada.example.com/a.png",
        T0, at(5), at(5), 4), ownerRestored);
  }

  @Test
  void theOwnersEventsLeaveNoRowForAUserWithoutAProfile() {
    assertNull(ProfileRow.fold(null, new Profile.OwnerDeleted(USER, false, at(1), null), 1));
    assertNull(ProfileRow.fold(null, new Profile.OwnerRestored(USER, false, at(2), null), 2));
    assertEquals(3, ProfileRow.fold(null, CREATED, 3).version(), "created later, at its sequence number");
  }

  @Test
  void aProfileCreatedAgainAfterADeletionIsANewRowAndOneCreatedWhileLiveIsRefused() {
    ProfileRow deleted = ProfileRow.fold(created(), new Profile.Deleted(USER, at(5), null), 2);
    Profile.Created again = new Profile.Created(USER, "Again", null, null, null, at(9), null);
    assertEquals(new ProfileRow(USER, "Again", null, null, null, at(9), at(9), null, 3), ProfileRow.fold(deleted, again, 3));
    assertThrows(IllegalStateException.class, () -> ProfileRow.fold(created(), again, 2));
  }

  @Test
  void anEventOtherThanTheOwnersForAProfileWithoutARowIsAnError() {
    assertThrows(IllegalStateException.class, () -> ProfileRow.fold(null, new Profile.Deleted(USER, at(1), null), 1));
    assertThrows(IllegalStateException.class,
        () -> ProfileRow.fold(null, new Profile.Updated(USER, "x", null, null, null, List.of("bio"), at(1), null), 1));
  }
}
