package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.Settings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A client's budget of requests that hash a password: a burst, then one per refill interval. */
class ClientBudgetTest {
  private static final Duration REFILL = Duration.ofMillis(500);
  private final AtomicLong clock = new AtomicLong();

  private ClientBudget budget(int burst, int maxClients) {
    return new ClientBudget(new Settings.ClientBudget(burst, REFILL, maxClients), clock::get);
  }

  private void pass(Duration time) {
    clock.addAndGet(time.toNanos());
  }

  @Test
  void aClientSpendsItsBurstThenOneRequestPerRefill() {
    ClientBudget budget = budget(3, 100);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), budget.spend("10.0.0.1"), "request " + i + " of the burst");
    }
    assertEquals(Optional.of(REFILL), budget.spend("10.0.0.1"), "the fourth waits for one refill");
    assertEquals(Optional.empty(), budget.spend("10.0.0.2"), "another client has a budget of its own");
    pass(REFILL.minusMillis(1));
    assertEquals(Optional.of(Duration.ofMillis(1)), budget.spend("10.0.0.1"));
    pass(Duration.ofMillis(1));
    assertEquals(Optional.empty(), budget.spend("10.0.0.1"), "one refill, one request");
    assertTrue(budget.spend("10.0.0.1").isPresent());
    pass(REFILL.multipliedBy(100));
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), budget.spend("10.0.0.1"), "an idle client has its burst again, not more");
    }
    assertTrue(budget.spend("10.0.0.1").isPresent());
  }

  @Test
  void refusedRequestsCostNothing() {
    ClientBudget budget = budget(1, 100);
    assertEquals(Optional.empty(), budget.spend("10.0.0.1"));
    for (int i = 0; i < 50; i++) {
      budget.spend("10.0.0.1");
    }
    pass(REFILL);
    assertEquals(Optional.empty(), budget.spend("10.0.0.1"), "hammering while refused does not push the refill back");
  }

  @Test
  void aClientIsItsAddressAndAnIpv6ClientItsSlash64() throws Exception {
    assertEquals("192.0.2.7", ClientBudget.clientOf(Optional.of(InetAddress.getByName("192.0.2.7"))));
    String one = ClientBudget.clientOf(Optional.of(InetAddress.getByName("2001:db8:1:2::1")));
    assertEquals(one, ClientBudget.clientOf(Optional.of(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:fffe"))));
    assertNotEquals(one, ClientBudget.clientOf(Optional.of(InetAddress.getByName("2001:db8:1:3::1"))));
    assertEquals(ClientBudget.UNKNOWN, ClientBudget.clientOf(Optional.empty()));
  }

  @Test
  void theTableIsBoundedAndNewcomersBeyondItShareOneBudget() {
    ClientBudget budget = budget(2, 3);
    for (String client : new String[] {"a", "b", "c"}) {
      assertEquals(Optional.empty(), budget.spend(client));
    }
    assertEquals(Optional.empty(), budget.spend("d"), "the table is full: d spends from the shared budget");
    assertEquals(Optional.empty(), budget.spend("e"));
    assertTrue(budget.spend("f").isPresent(), "d and e have spent the shared burst");
    assertTrue(budget.tracked() <= 4, "the clients, and the shared budget: " + budget.tracked());
    assertEquals(Optional.empty(), budget.spend("a"), "clients already tracked keep their own budget");

    pass(REFILL.multipliedBy(2));
    assertEquals(Optional.empty(), budget.spend("g"), "clients whose budget is whole again are forgotten for new ones");
    assertEquals(Optional.empty(), budget.spend("g"));
    assertTrue(budget.spend("g").isPresent(), "and g has a burst of its own");
    assertTrue(budget.tracked() <= 4, "tracked: " + budget.tracked());
  }
}
