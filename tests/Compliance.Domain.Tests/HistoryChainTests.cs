using Compliance.Orders;
using static Compliance.Domain.Tests.Orders;

namespace Compliance.Domain.Tests;

public sealed class HistoryChainTests
{
    private static (TakedownOrder Order, List<OrderEvent> History) Lifecycle()
    {
        var issued = TakedownOrder.Issue("ord-9", "prov-a", OneHour, [new OrderItem("https://v.example/1", null)], "r", Commission, T0, null, "k0");
        var history = new List<OrderEvent>(issued.Events);
        var acknowledged = issued.Order.Acknowledge(ProviderA, T0.AddMinutes(1), "k1");
        history.AddRange(acknowledged.Events);
        var removed = acknowledged.Order.ConfirmRemoval(ProviderA, T0.AddHours(2), T0.AddMinutes(30), RemovalAction.Removed, null, "k2");
        history.AddRange(removed.Events);
        return (removed.Order, history);
    }

    [Fact]
    public void Every_entry_links_to_the_one_before_and_the_chain_verifies()
    {
        var (order, history) = Lifecycle();

        Assert.Equal([OrderEventType.Issued, OrderEventType.Acknowledged, OrderEventType.Breached, OrderEventType.Removed], history.Select(e => e.Type));
        Assert.Equal(string.Empty, history[0].PreviousHash);
        for (var i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1].Hash, history[i].PreviousHash);
        }

        Assert.Equal(history[^1].Hash, order.LastEventHash);
        Assert.Matches("^[0-9a-f]{64}$", order.LastEventHash);
        Assert.True(OrderEvent.VerifyChain("ord-9", history));
    }

    [Fact]
    public void An_edited_removed_or_reordered_entry_breaks_the_chain()
    {
        var (_, history) = Lifecycle();

        var edited = history.ToList();
        edited[1] = edited[1] with { Reason = "rewritten later" };
        Assert.False(OrderEvent.VerifyChain("ord-9", edited));

        var removed = history.Where(e => e.Type != OrderEventType.Breached).ToList();
        Assert.False(OrderEvent.VerifyChain("ord-9", removed));

        Assert.False(OrderEvent.VerifyChain("ord-other", history));
    }

    [Fact]
    public void A_chain_missing_its_tail_is_valid_alone_but_not_against_the_order()
    {
        var (order, history) = Lifecycle();
        var withoutTail = history.Take(history.Count - 1).ToList();

        Assert.True(OrderEvent.VerifyChain(order, history));
        Assert.True(OrderEvent.VerifyChain(order.OrderId, withoutTail));
        Assert.False(OrderEvent.VerifyChain(order, withoutTail));
        Assert.False(OrderEvent.VerifyChain(order with { Status = OrderStatus.Issued }, history));
    }
}
