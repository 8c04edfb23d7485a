using Compliance.Access;
using Compliance.Media;
using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;
using Compliance.Telemetry;

namespace Compliance.Application;

/// <summary>An order with its evidence media and the time its provider first had it.</summary>
public sealed record OrderDetails(TakedownOrder Order, IReadOnlyList<MediaRecord> Media, DateTimeOffset? FirstReceivedAt);

/// <summary>
/// Issues takedown orders and carries out the parties' transitions. Each transition re-reads the
/// order and writes with optimistic concurrency, so of two racing requests exactly one wins.
/// </summary>
public sealed class OrderService(
    IOrderStore orders,
    IDeadlineIndex deadlines,
    IProviderDirectory providers,
    IMediaStore media,
    IHashBank bank,
    IOrderReceipts receipts,
    IAdvanceInformationLog advance,
    RegimeCatalog regimes,
    TimeProvider time)
{
    private const int MaxSaveAttempts = 3;
    private static readonly TimeSpan ClaimSkew = TimeSpan.FromMinutes(5);

    public async Task<TakedownOrder> IssueAsync(Caller caller, IssueOrderRequest request, string? requestKey, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var check = new RequestValidation();
        var providerId = check.Identifier("providerId", request.ProviderId);
        var legalBasis = check.Text("legalBasis", request.LegalBasis, 64);
        var reason = check.Text("reason", request.Reason);
        var items = new List<OrderItem>();
        if (request.Items is not { Count: > 0 })
        {
            check.Add("items", "must list at least one item");
        }
        else if (request.Items.Count > RequestValidation.MaxItems)
        {
            check.Add("items", $"must list at most {RequestValidation.MaxItems} items");
        }
        else
        {
            for (var i = 0; i < request.Items.Count; i++)
            {
                var item = request.Items[i];
                items.Add(new OrderItem(check.Url($"items[{i}].url", item?.Url), check.OptionalText($"items[{i}].description", item?.Description)));
            }
        }

        var notice = NoticeDraft.Parse(check, request);
        check.ThrowIfInvalid();
        return await IssueCheckedAsync(caller, providerId, RegimeFor(legalBasis), items, reason, request.DueAt, requestKey, notice, cancellationToken);
    }

    /// <summary>
    /// Issues the order a victim-support case asks of one provider: the support centre is the
    /// requester, the case's regime sets the clock (no dueAt of its own).
    /// </summary>
    internal Task<TakedownOrder> IssueForCaseAsync(Caller supportCentre, string providerId, LegalRegime regime, IReadOnlyList<OrderItem> items, string requestKey, CancellationToken cancellationToken)
    {
        supportCentre.RequireRole(Role.Support);
        var reason = $"Deletion requested by a victim-support centre on behalf of a victim, under {regime.Code}.";
        return IssueCheckedAsync(supportCentre, providerId, regime, items, reason, null, requestKey, notice: null, cancellationToken);
    }

    internal LegalRegime RegimeFor(string legalBasis) =>
        regimes.Find(legalBasis) ?? throw new ComplianceProblem(
            ProblemKind.UnknownRegime,
            $"'{legalBasis}' is not a known legal basis.",
            new Dictionary<string, object?> { ["knownRegimes"] = regimes.All.Select(r => r.Code).Order(StringComparer.Ordinal).ToArray() });

    internal async Task RequireProviderAsync(string providerId, CancellationToken cancellationToken) =>
        _ = await providers.FindAsync(providerId, cancellationToken) ?? throw new ComplianceProblem(
            ProblemKind.UnknownProvider, $"Provider '{providerId}' is not registered.");

    /// <param name="notice">The commission's notice; null for a victim-support case, whose request is itself the notice.</param>
    private async Task<TakedownOrder> IssueCheckedAsync(Caller caller, string providerId, LegalRegime regime, IReadOnlyList<OrderItem> items, string reason, DateTimeOffset? dueAt, string? requestKey, NoticeDraft? notice, CancellationToken cancellationToken)
    {
        using var activity = ComplianceTelemetry.Source.StartActivity("order.issue");
        activity?.SetTag("legal_basis", regime.Code);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await RequireProviderAsync(providerId, cancellationToken);
        var filed = notice?.For(regime);
        var now = time.ReceiptTime();
        var issued = TakedownOrder.Issue(OrderIds.For(requestKey), providerId, regime, items, reason, caller, now, dueAt, requestKey, filed);
        var authority = filed?.IssuingAuthority?.Name ?? caller.Subject;
        if (regime.AdvanceInformation is { } lead && filed is not null)
        {
            var orderedBefore = await advance.HasOrderedAsync(providerId, authority, regime.Code, cancellationToken);
            var information = orderedBefore ? null : await advance.FindAsync(providerId, authority, regime.Code, cancellationToken);
            if (AdvanceInformationRule.WarningFor(regime.Code, lead, orderedBefore, information, now) is { } warning)
            {
                issued = issued with { Order = issued.Order with { Warnings = [warning] } };
            }
        }

        // The index entry goes first: a crash in between leaves a stale entry the sweep discards,
        // never an order whose deadline nobody watches.
        await deadlines.ScheduleAsync(issued.Order, cancellationToken);
        if (await orders.TryCreateAsync(issued, cancellationToken))
        {
            if (regime.AdvanceInformation is not null && filed is not null)
            {
                await advance.MarkOrderedAsync(providerId, authority, regime.Code, issued.Order.OrderId, cancellationToken);
            }

            ComplianceTelemetry.OrdersIssued.Add(1, ComplianceTelemetry.Basis(regime.Code));
            ComplianceTelemetry.IntakeLatency.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, ComplianceTelemetry.Basis(regime.Code));
            return issued.Order;
        }

        // The id comes from the caller and the key for ever, while the key's record expires: an order
        // already under this id is the answer only if it is this very request.
        var existing = await orders.FindAsync(issued.Order.OrderId, cancellationToken)
            ?? throw new ComplianceProblem(ProblemKind.ConcurrencyConflict, "The order is being written by a concurrent request; retry.");
        if (existing.Order.IsSameIssueAs(issued.Order) && regime.AdvanceInformation is not null && filed is not null)
        {
            // A retry after a crash between the order and this mark: the order is this authority's, mark it.
            await advance.MarkOrderedAsync(providerId, authority, regime.Code, existing.Order.OrderId, cancellationToken);
        }

        return existing.Order.IsSameIssueAs(issued.Order)
            ? existing.Order
            : throw new ComplianceProblem(
                ProblemKind.IdempotencyKeyReused,
                $"This Idempotency-Key already issued order {existing.Order.OrderId} with other content; a new order needs a new key.");
    }

    public async Task<TakedownOrder> GetAsync(Caller caller, string orderId, CancellationToken cancellationToken) =>
        (await LoadVisibleAsync(caller, orderId, cancellationToken)).Order;

    /// <summary>The order with its evidence media, as the order view shows it.</summary>
    public async Task<OrderDetails> GetWithMediaAsync(Caller caller, string orderId, CancellationToken cancellationToken)
    {
        var order = (await LoadVisibleAsync(caller, orderId, cancellationToken)).Order;
        return new OrderDetails(order, await media.ListAsync(order.OrderId, cancellationToken), await receipts.FirstAsync(order.OrderId, cancellationToken));
    }

    /// <summary>The statement of reasons, in the DSA Transparency Database's format, for a removed or disabled order.</summary>
    public async Task<Compliance.Exports.StatementOfReasons> StatementOfReasonsAsync(Caller caller, string orderId, CancellationToken cancellationToken)
    {
        var (order, evidence, _) = await GetWithMediaAsync(caller, orderId, cancellationToken);
        return Compliance.Exports.StatementOfReasons.For(order, RegimeOf(order), evidence);
    }

    /// <summary>One of the TCO Regulation's forms (Annex I, II or III), filled in from the order.</summary>
    public async Task<Compliance.Exports.TcoDocument> DocumentAsync(Caller caller, string orderId, string annex, CancellationToken cancellationToken)
    {
        var order = (await LoadVisibleAsync(caller, orderId, cancellationToken)).Order;
        var provider = await providers.FindAsync(order.ProviderId, cancellationToken);
        return Compliance.Exports.TcoDocuments.For(annex, order, RegimeOf(order), provider, await receipts.FirstAsync(order.OrderId, cancellationToken));
    }

    public async Task<(IReadOnlyList<OrderEvent> Events, bool ChainValid)> HistoryAsync(Caller caller, string orderId, CancellationToken cancellationToken)
    {
        var stored = await LoadVisibleAsync(caller, orderId, cancellationToken);
        var events = await orders.HistoryAsync(stored.Order, cancellationToken);
        return (events, OrderEvent.VerifyChain(stored.Order, events));
    }

    public Task<OrderPage> ListAsync(Caller caller, string? providerId, string? status, string? continuationToken, int? pageSize, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission, Role.Regulator, Role.Provider);
        if (caller.Role == Role.Provider)
        {
            if (providerId is not null)
            {
                caller.RequireVisible(providerId, "Provider");
            }

            providerId = caller.ProviderId;
        }

        OrderStatus? statusFilter = null;
        if (status is not null)
        {
            statusFilter = OrderText.TryParse<OrderStatus>(status, out var parsed)
                ? parsed
                : throw new ComplianceProblem(ProblemKind.InvalidQuery, $"status must be one of {string.Join(", ", Enum.GetValues<OrderStatus>().Select(OrderText.Status))}.");
        }

        var size = pageSize ?? 50;
        if (size is < 1 or > 1000)
        {
            throw new ComplianceProblem(ProblemKind.InvalidQuery, "pageSize must be between 1 and 1000.");
        }

        return orders.ListAsync(new OrderQuery(providerId, statusFilter), continuationToken, size, cancellationToken);
    }

    public Task<TakedownOrder> AcknowledgeAsync(Caller caller, string orderId, int? expectedVersion, string? requestKey, CancellationToken cancellationToken, DateTimeOffset? sentAt = null)
    {
        caller.RequireRole(Role.Provider);
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.Acknowledge(caller, now, requestKey), cancellationToken, sentAt);
    }

    public Task<TakedownOrder> ConfirmAsync(Caller caller, string orderId, ConfirmationRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken, DateTimeOffset? sentAt = null)
    {
        caller.RequireRole(Role.Provider);
        var check = new RequestValidation();
        var removedAt = check.Time("removedAt", request.RemovedAt);
        var action = check.Choice<RemovalAction>("action", request.Action);
        var evidence = check.OptionalText("evidence", request.Evidence);
        check.ThrowIfInvalid();
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) =>
        {
            if (removedAt > now + ClaimSkew)
            {
                var future = new RequestValidation();
                future.Add("removedAt", "must not be in the future");
                future.ThrowIfInvalid();
            }

            return order.ConfirmRemoval(caller, now, removedAt, action, evidence, requestKey);
        }, cancellationToken, sentAt);
    }

    public Task<TakedownOrder> ObjectAsync(Caller caller, string orderId, ObjectionRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken, DateTimeOffset? sentAt = null)
    {
        caller.RequireRole(Role.Provider);
        var check = new RequestValidation();
        var ground = check.Choice<ObjectionGround>("ground", request.Ground);
        var explanation = check.Text("explanation", request.Explanation);
        check.ThrowIfInvalid();
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.RaiseObjection(caller, now, ground, explanation, RegimeOf(order), requestKey), cancellationToken, sentAt);
    }

    /// <summary>The addressed provider reports that the force majeure or impossibility it objected with is over.</summary>
    public Task<TakedownOrder> ReportGroundsCeasedAsync(Caller caller, string orderId, GroundsCeasedRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken, DateTimeOffset? sentAt = null)
    {
        caller.RequireRole(Role.Provider);
        var check = new RequestValidation();
        var explanation = check.Text("explanation", request.Explanation);
        check.ThrowIfInvalid();
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.ReportGroundsCeased(caller, now, explanation, RegimeOf(order), requestKey), cancellationToken, sentAt);
    }

    /// <summary>DSA Art. 9(1): the provider informs the authority that it gives the order no effect, and why.</summary>
    public Task<TakedownOrder> GiveNoEffectAsync(Caller caller, string orderId, NoEffectRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken, DateTimeOffset? sentAt = null)
    {
        caller.RequireRole(Role.Provider);
        var check = new RequestValidation();
        var reasons = check.Text("reasons", request.Reasons);
        check.ThrowIfInvalid();
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.GiveNoEffect(caller, now, reasons, RegimeOf(order), requestKey), cancellationToken, sentAt);
    }

    public async Task<TakedownOrder> WithdrawAsync(Caller caller, string orderId, WithdrawalRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var check = new RequestValidation();
        var reason = check.Text("reason", request.Reason);
        check.ThrowIfInvalid();
        var withdrawn = await TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.Withdraw(caller, now, reason, requestKey), cancellationToken);

        // After the order: a crash in between is healed by the client's retry under the same key,
        // which finds the order withdrawn and disables again.
        await bank.DisableOrderAsync(withdrawn.OrderId, cancellationToken);
        return withdrawn;
    }

    public Task<TakedownOrder> ExtendAsync(Caller caller, string orderId, ExtensionRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var check = new RequestValidation();
        var dueAt = check.Time("dueAt", request.DueAt);
        var reason = check.Text("reason", request.Reason);
        check.ThrowIfInvalid();
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.Extend(caller, now, dueAt, reason, requestKey), cancellationToken);
    }

    public Task<TakedownOrder> ClarifyAsync(Caller caller, string orderId, ClarificationRequest request, int? expectedVersion, string? requestKey, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var check = new RequestValidation();
        var explanation = check.Text("explanation", request.Explanation);
        check.ThrowIfInvalid();
        return TransitionAsync(caller, orderId, expectedVersion, requestKey, (order, now) => order.Clarify(caller, now, explanation, RegimeOf(order), requestKey), cancellationToken);
    }

    private async Task<TakedownOrder> TransitionAsync(
        Caller caller,
        string orderId,
        int? expectedVersion,
        string? requestKey,
        Func<TakedownOrder, DateTimeOffset, OrderChange> transition,
        CancellationToken cancellationToken,
        DateTimeOffset? sentAt = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await LoadVisibleAsync(caller, orderId, cancellationToken, ReceivedAt(sentAt));
            if (requestKey is not null && stored.Order.LastRequestKey == requestKey)
            {
                // This very request already went through (its response was lost with a crash).
                return stored.Order;
            }

            if (expectedVersion is { } expected && expected != stored.Order.Version)
            {
                throw new ComplianceProblem(
                    ProblemKind.PreconditionFailed,
                    $"The order is at version {stored.Order.Version}, not {expected}.",
                    new Dictionary<string, object?> { ["currentVersion"] = stored.Order.Version });
            }

            var change = transition(stored.Order, ReceivedAt(sentAt));
            if (change.DeadlineMoved)
            {
                await deadlines.ScheduleAsync(change.Order, cancellationToken);
            }

            try
            {
                await orders.SaveAsync(stored, change, cancellationToken);
                Measure(change);
                return change.Refusal is { } refusal ? throw refusal : change.Order;
            }
            catch (ConcurrentUpdateException) when (attempt < MaxSaveAttempts)
            {
                // Someone else changed the order; decide again on its new state.
            }
            catch (ConcurrentUpdateException)
            {
                throw new ComplianceProblem(ProblemKind.ConcurrencyConflict, "The order kept changing while this request was applied; retry.");
            }
        }
    }

    /// <summary>
    /// A queued response counts from when the broker accepted it, so a backlog on our side cannot
    /// make an on-time answer late; never later than now, whatever the broker's clock says.
    /// </summary>
    private DateTimeOffset ReceivedAt(DateTimeOffset? sentAt)
    {
        var now = time.ReceiptTime();
        if (sentAt is not { } sent || sent >= now)
        {
            return now;
        }

        return sent.AddTicks(-(sent.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>Loads an order the caller may see; the addressed provider's first access is its receipt.</summary>
    /// <param name="receivedAt">When the provider's request arrived (a queued answer: when the broker took it).</param>
    private async Task<StoredOrder> LoadVisibleAsync(Caller caller, string orderId, CancellationToken cancellationToken, DateTimeOffset? receivedAt = null)
    {
        var stored = await orders.LoadVisibleAsync(caller, orderId, cancellationToken);
        if (caller.Role == Role.Provider)
        {
            await receipts.RecordFirstAsync(stored.Order.OrderId, receivedAt ?? time.ReceiptTime(), cancellationToken);
        }

        return stored;
    }

    /// <summary>Counts what a saved change did: a breach it recorded, and a removal's time from issue.</summary>
    private static void Measure(OrderChange change)
    {
        var basis = ComplianceTelemetry.Basis(change.Order.LegalBasis);
        if (change.Events.Any(e => e.Type == OrderEventType.Breached))
        {
            ComplianceTelemetry.Breaches.Add(1, basis, ComplianceTelemetry.Provider(change.Order.ProviderId));
        }

        if (change.Order.Removal is { } removal && change.Events.Any(e => e.Type == OrderEventType.Removed))
        {
            ComplianceTelemetry.TimeToRemoval.Record((removal.ReceivedAt - change.Order.IssuedAt).TotalSeconds, basis);
        }
    }

    private LegalRegime RegimeOf(TakedownOrder order) =>
        regimes.Find(order.LegalBasis) ?? throw new InvalidOperationException($"Order {order.OrderId} cites regime {order.LegalBasis}, which is no longer configured.");
}
