package io.tablecast.profile;

import akka.http.javadsl.server.Route;
import io.tablecast.Feature;
import io.tablecast.Node;
import io.tablecast.projection.ReadProjection;
import java.util.List;

/** Profiles: the Profile entity, the profiles projection, the cascade from users, /api/users/{id}/profile. */
public final class ProfileFeature implements Feature {

  @Override
  public List<ReadProjection<?>> projections() {
    return List.of(ProfileProjection.definition());
  }

  @Override
  public Route start(Node node) {
    Profile.init(node.system(), node.settings());
    // A user's deletion deletes their profile, and their restoration brings it back.
    ProfileCascade.start(node.system(), node.settings(), node.database().dataSource());
    return new ProfileRoutes(node.system(), node.settings(), node.authentication(),
        new ProfileOwners(node.system(), node.settings()), new ProfileQueries(node.database().dataSource())).routes();
  }
}
