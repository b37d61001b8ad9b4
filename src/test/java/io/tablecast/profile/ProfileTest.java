package io.tablecast.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.tablecast.FieldError;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.support.AggregateTestKit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Profile aggregate on its own: given commands, expect events, state and replies. */
class ProfileTest extends AggregateTestKit {
  private static final Profile.Fields ADA =
      new Profile.Fields("Mathematician", "https://ada.example.com", "London", "https://ada.example.com/a.png");

  private final UUID id = UUID.randomUUID();
  private final Actor self = new Actor(id, false, false);
  private final Actor other = new Actor(UUID.randomUUID(), true, false);
  private final Actor admin = new Actor(UUID.randomUUID(), false, true);
  private EventSourcedBehaviorTestKit<Profile.Command, Profile.Event, Profile.State> profile;

  @BeforeEach
  void newProfile() {
    // Serialization of every command, event, reply and state is verified by the test kit.
    profile = EventSourcedBehaviorTestKit.create(testKit.system(), Profile.create(id.toString(), settings));
  }

  private CommandResultWithReply<Profile.Command, Profile.Event, Profile.State, Reply<Profile.State>> run(
      Function<ActorRef<Reply<Profile.State>>, Profile.Command> command) {
    return profile.runCommand(command::apply);
  }

  private CommandResultWithReply<Profile.Command, Profile.Event, Profile.State, Reply<Profile.State>> put(
      Profile.Fields fields, Actor by, Long expectedVersion) {
    return run(r -> new Profile.Put(fields, by, expectedVersion, "req-put", r));
  }

  private CommandResultWithReply<Profile.Command, Profile.Event, Profile.State, Reply<Profile.State>> patch(
      Profile.Fields fields, Set<String> sent, Long expectedVersion) {
    return run(r -> new Profile.Patch(fields, sent, self, expectedVersion, "req-patch", r));
  }

  private CommandResultWithReply<Profile.Command, Profile.Event, Profile.State, Reply<Profile.State>> delete(Actor by) {
    return run(r -> new Profile.Delete(by, null, "req-delete", r));
  }

  private CommandResultWithReply<Profile.Command, Profile.Event, Profile.State, Reply<Profile.State>> ownerDeleted() {
    return run(r -> new Profile.DeleteWithOwner("req-user-deleted", r));
  }

  private CommandResultWithReply<Profile.Command, Profile.Event, Profile.State, Reply<Profile.State>> ownerRestored() {
    return run(r -> new Profile.RestoreWithOwner("req-user-restored", r));
  }

  private static Rejection rejection(Reply<Profile.State> reply) {
    return assertInstanceOf(Reply.Rejected.class, reply).reason();
  }

  private static Profile.Accepted accepted(Reply<Profile.State> reply) {
    return assertInstanceOf(Profile.Accepted.class, reply);
  }

  @Test
  void aPutCreatesTheProfileAtVersionOneAndSaysItCreatedIt() {
    var result = put(ADA, self, null);
    Profile.Created created = result.eventOfType(Profile.Created.class);
    assertEquals(id, created.userId());
    assertEquals("Mathematician", created.bio());
    assertEquals("https://ada.example.com", created.website());
    assertEquals("London", created.location());
    assertEquals("https://ada.example.com/a.png", created.avatarUrl());
    assertEquals("req-put", created.requestId());
    Profile.Accepted reply = accepted(result.reply());
    assertTrue(reply.created(), "a PUT that creates answers 201");
    assertEquals(1, reply.state().version());
    assertEquals(ADA, reply.state().fields());
    assertEquals(created.at(), reply.state().createdAt());
    assertEquals(created.at(), reply.state().updatedAt());
    assertTrue(reply.state().live());
  }

  @Test
  void aSecondPutReplacesTheWholeProfileAndRecordsWhichFieldsChanged() {
    put(ADA, self, null);
    var replace = put(new Profile.Fields("Poet", null, "London", ADA.avatarUrl()), self, 1L);
    Profile.Updated updated = replace.eventOfType(Profile.Updated.class);
    assertEquals(List.of("bio", "website"), updated.changed());
    assertNull(updated.website(), "a field a PUT leaves out is emptied");
    assertEquals("London", updated.location());
    Profile.Accepted reply = accepted(replace.reply());
    assertFalse(reply.created(), "a replace answers 200");
    assertEquals(2, reply.state().version());
    assertEquals(replace.state().createdAt(), profile.getState().createdAt());
    assertEquals(updated.at(), reply.state().updatedAt());
  }

  @Test
  void aPutThatChangesNothingPersistsNothing() {
    put(ADA, self, null);
    var same = put(ADA, admin, null);
    assertTrue(same.hasNoEvents());
    assertEquals(1, accepted(same.reply()).state().version());
    assertFalse(accepted(same.reply()).created());
  }

  @Test
  void aPatchChangesOnlyTheFieldsSentAndAnExplicitNullClears() {
    put(ADA, self, null);
    var result = patch(new Profile.Fields(null, null, "Paris", "ignored: not sent"), Set.of("bio", "location"), 1L);
    Profile.Updated updated = result.eventOfType(Profile.Updated.class);
    assertEquals(List.of("bio", "location"), updated.changed());
    assertEquals(new Profile.Fields(null, ADA.website(), "Paris", ADA.avatarUrl()), result.state().fields());
    assertTrue(patch(ADA, Set.of(), null).hasNoEvents(), "a patch that sends nothing changes nothing");
  }

  @Test
  void onlyTheUserThemselfOrAnAdminMayWriteTheProfile() {
    var byOther = put(ADA, other, null);
    assertEquals(Rejection.FORBIDDEN, rejection(byOther.reply()));
    assertTrue(byOther.hasNoEvents());
    put(ADA, admin, null).eventOfType(Profile.Created.class);
    var patchByOther = run(r -> new Profile.Patch(ADA, Set.of("bio"), other, null, null, r));
    assertEquals(Rejection.FORBIDDEN, rejection(patchByOther.reply()));
    var deleteByOther = delete(other);
    assertEquals(Rejection.FORBIDDEN, rejection(deleteByOther.reply()));
    assertTrue(deleteByOther.hasNoEvents());
    delete(admin).eventOfType(Profile.Deleted.class);
  }

  @Test
  void fieldsOutOfBoundsOrURLsThatAreNotHttpAreInvalidAndPersistNothing() {
    List<Profile.Fields> invalid = List.of(
        new Profile.Fields("b".repeat(Profile.MAX_BIO_LENGTH + 1), null, null, null),
        new Profile.Fields(null, "javascript:alert(1)", null, null),
        new Profile.Fields(null, "https://example.com/" + "w".repeat(Profile.MAX_WEBSITE_LENGTH), null, null),
        new Profile.Fields(null, null, "l".repeat(Profile.MAX_LOCATION_LENGTH + 1), null),
        new Profile.Fields(null, null, null, "ftp://example.com/a.png"),
        new Profile.Fields(null, null, null, "https://example.com/" + "a".repeat(Profile.MAX_AVATAR_URL_LENGTH)));
    for (Profile.Fields fields : invalid) {
      var create = put(fields, self, null);
      assertEquals(Rejection.INVALID, rejection(create.reply()), fields.toString());
      assertTrue(create.hasNoEvents());
    }
    put(ADA, self, null);
    var replace = put(invalid.get(1), self, null);
    assertEquals(Rejection.INVALID, rejection(replace.reply()));
    var patch = patch(invalid.get(3), Set.of("location"), null);
    assertEquals(Rejection.INVALID, rejection(patch.reply()));
    assertTrue(patch.hasNoEvents());
  }

  @Test
  void eachBoundIsInclusiveAndEachInvalidFieldIsNamed() {
    Profile.Fields longest = new Profile.Fields("b".repeat(Profile.MAX_BIO_LENGTH),
        "https://e.com/" + "w".repeat(Profile.MAX_WEBSITE_LENGTH - "https://e.com/".length()),
        "l".repeat(Profile.MAX_LOCATION_LENGTH),
        "http://e.com/" + "a".repeat(Profile.MAX_AVATAR_URL_LENGTH - "http://e.com/".length()));
    assertEquals(List.of(), Profile.validate(longest));
    Profile.Fields tooLong = new Profile.Fields(longest.bio() + "b", longest.website() + "w", longest.location() + "l",
        longest.avatarUrl() + "a");
    assertEquals(List.of("bio", "website", "location", "avatar_url"),
        Profile.validate(tooLong).stream().map(FieldError::field).toList());
    assertEquals(List.of(), Profile.validate(new Profile.Fields(null, null, null, null)), "every field may be empty");
  }

  @Test
  void urlsMustBeAbsoluteHttpOrHttpsWithAHost() {
    for (String ok : List.of("https://example.com", "HTTP://EXAMPLE.COM/a?b=c#d", "http://localhost:8080/x", "https://[::1]/")) {
      assertTrue(Profile.isWebUrl(ok, 300), ok);
    }
    for (String bad : List.of("", "example.com", "//example.com/x", "/relative", "http://", "https:///path", "http:example.com",
        "javascript:alert(1)", "data:text/html,x", "mailto:ada@example.com", "ftp://example.com", "http://exa mple.com")) {
      assertFalse(Profile.isWebUrl(bad, 300), bad);
    }
  }

  @Test
  void ifMatchGuardsEveryWriteAndAProfileThatIsNotThereIsAtVersionZero() {
    assertEquals(Rejection.VERSION_MISMATCH, rejection(put(ADA, self, 1L).reply()));
    var create = put(ADA, self, 0L);
    assertTrue(accepted(create.reply()).created(), "If-Match \"0\": create only if there is none");
    var again = put(ADA, self, 0L);
    assertEquals(Rejection.VERSION_MISMATCH, rejection(again.reply()), "another create-only PUT loses");
    assertTrue(again.hasNoEvents());
    assertEquals(Rejection.VERSION_MISMATCH, rejection(patch(ADA, Set.of("bio"), 2L).reply()));
    assertEquals(Rejection.VERSION_MISMATCH, rejection(run(r -> new Profile.Delete(self, 7L, null, r)).reply()));
    patch(new Profile.Fields("x", null, null, null), Set.of("bio"), 1L).eventOfType(Profile.Updated.class);
  }

  @Test
  void withoutAProfileAPatchOrADeleteIsNotFoundAndAfterADeletionTheyAreRefused() {
    assertEquals(Rejection.NOT_FOUND, rejection(patch(ADA, Set.of("bio"), null).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(delete(self).reply()));
    put(ADA, self, null);
    var deletion = delete(self);
    Profile.Deleted deleted = deletion.eventOfType(Profile.Deleted.class);
    assertEquals(deleted.at(), deletion.state().deletedAt());
    assertFalse(deletion.state().live());
    assertEquals(Rejection.DELETED, rejection(patch(ADA, Set.of("bio"), null).reply()));
    assertEquals(Rejection.DELETED, rejection(delete(self).reply()));
  }

  @Test
  void aPutAfterADeletionCreatesTheProfileAnew() {
    put(ADA, self, null);
    delete(self);
    assertEquals(Rejection.VERSION_MISMATCH, rejection(put(ADA, self, 1L).reply()));
    var recreate = put(new Profile.Fields("Again", null, null, null), self, 2L);
    Profile.Created created = recreate.eventOfType(Profile.Created.class);
    assertTrue(accepted(recreate.reply()).created());
    assertEquals(3, recreate.state().version());
    assertEquals(created.at(), recreate.state().createdAt());
    assertNull(recreate.state().deletedAt());
    assertEquals(new Profile.Fields("Again", null, null, null), recreate.state().fields());
  }

  @Test
  void theOwnersDeletionDeletesALiveProfileAndTheirRestorationBringsItBack() {
    put(ADA, self, null);
    var deletion = ownerDeleted();
    Profile.OwnerDeleted deleted = deletion.eventOfType(Profile.OwnerDeleted.class);
    assertTrue(deleted.profileDeleted());
    assertEquals("req-user-deleted", deleted.requestId());
    assertEquals(deleted.at(), deletion.state().deletedAt());
    assertTrue(deletion.state().deletedWithOwner());

    for (var refused : List.of(put(ADA, admin, null), patch(ADA, Set.of("bio"), null), delete(admin))) {
      assertEquals(Rejection.NOT_FOUND, rejection(refused.reply()), "no writes while the user is deleted");
      assertTrue(refused.hasNoEvents());
    }
    assertEquals(Rejection.FORBIDDEN, rejection(put(ADA, other, null).reply()), "who may not write is told so first");

    var restoration = ownerRestored();
    Profile.OwnerRestored restored = restoration.eventOfType(Profile.OwnerRestored.class);
    assertTrue(restored.profileRestored());
    assertTrue(restoration.state().live());
    assertEquals(ADA, restoration.state().fields());
    assertEquals(3, restoration.state().version());
    put(new Profile.Fields("Back", null, null, null), self, 3L).eventOfType(Profile.Updated.class);
  }

  @Test
  void aProfileDeletedByHandStaysDeletedWhenItsOwnerIsRestored() {
    put(ADA, self, null);
    delete(self);
    Profile.OwnerDeleted deleted = ownerDeleted().eventOfType(Profile.OwnerDeleted.class);
    assertFalse(deleted.profileDeleted(), "nothing live to delete");
    var restoration = ownerRestored();
    assertFalse(restoration.eventOfType(Profile.OwnerRestored.class).profileRestored());
    assertTrue(restoration.state().deleted());
    assertFalse(restoration.state().ownerDeleted());
    assertTrue(put(ADA, self, null).reply() instanceof Profile.Accepted a && a.created(), "the user may create it again");
  }

  @Test
  void theCascadesCommandsAreIdempotent() {
    put(ADA, self, null);
    assertTrue(ownerRestored().hasNoEvents(), "a restore without a deletion changes nothing");
    ownerDeleted().eventOfType(Profile.OwnerDeleted.class);
    var again = ownerDeleted();
    assertTrue(again.hasNoEvents(), "a deletion seen twice (a retried cascade) is applied once");
    assertTrue(accepted(again.reply()).state().deleted());
    ownerRestored().eventOfType(Profile.OwnerRestored.class);
    var restoredAgain = ownerRestored();
    assertTrue(restoredAgain.hasNoEvents());
    assertTrue(accepted(restoredAgain.reply()).state().live());
  }

  @Test
  void aUserWithoutAProfileIsRecordedAsDeletedSoThatNoCreateCanSlipInAfterTheCascade() {
    var deletion = ownerDeleted();
    assertFalse(deletion.eventOfType(Profile.OwnerDeleted.class).profileDeleted());
    assertFalse(deletion.state().exists(), "still no profile");
    var create = put(ADA, self, null);
    assertEquals(Rejection.NOT_FOUND, rejection(create.reply()));
    assertTrue(create.hasNoEvents());
    assertFalse(ownerRestored().eventOfType(Profile.OwnerRestored.class).profileRestored());
    var afterRestore = put(ADA, self, 0L);
    assertTrue(accepted(afterRestore.reply()).created(), "still no ETag to match: If-Match \"0\" creates");
    assertEquals(3, afterRestore.state().version());
  }

  @Test
  void eachProfileIsTaggedWithItsSliceOfTheProfilesProjection() {
    Set<String> tags = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      tags.add(Profile.tagOf(UUID.randomUUID().toString(), settings));
    }
    Set<String> slices = new java.util.HashSet<>();
    for (int slice = 0; slice < settings.projections().slices(); slice++) {
      slices.add(Profile.TAG_PREFIX + "-" + slice);
    }
    assertEquals(slices, tags, "every tag is a slice, and a hundred profiles use them all");
  }

  @Test
  void theStateIsAFoldOfTheEvents() {
    put(ADA, self, null);
    patch(new Profile.Fields("Poet", null, null, null), Set.of("bio"), null);
    delete(self);
    ownerDeleted();
    Profile.State live = profile.getState();
    profile.restart();
    assertEquals(live, profile.getState());
  }
}
