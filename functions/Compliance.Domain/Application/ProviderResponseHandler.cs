using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Compliance.Access;
using Compliance.Problems;

namespace Compliance.Application;

/// <summary>A provider's response received as a message rather than over HTTP.</summary>
/// <param name="ProviderId">The provider whose own queue the message came from: only it may send there.</param>
/// <param name="EnqueuedAt">When the broker accepted the message: the provider's time of sending, which a backlog must not make late.</param>
public sealed record InboundResponse(string MessageId, string ProviderId, byte[] Body, DateTimeOffset? EnqueuedAt = null);

public abstract record InboundOutcome
{
    public sealed record Done : InboundOutcome;

    /// <summary>The message can never succeed: dead-letter it with this reason.</summary>
    public sealed record Refused(string Reason, string Description) : InboundOutcome;

    /// <summary>Something on our side failed: let the broker redeliver.</summary>
    public sealed record Retry : InboundOutcome;
}

/// <summary>
/// Applies acknowledgements, confirmations and objections that arrive on a provider's own responses
/// queue with the HTTP API's rules: the caller is the provider the queue belongs to (the broker let
/// no one else send there), the idempotency key is the MessageId in that provider's scope, and the
/// same order service answers, so a provider can only answer its own orders.
/// </summary>
public sealed class ProviderResponseHandler(IIdempotencyStore idempotency, OrderService orders)
{
    public const string Unauthorized = "unauthorized";
    public const string InvalidMessage = "invalid_message";
    public const string Rejected = "rejected";

    /// <summary>The subject recorded for answers that came by queue rather than with a person's token.</summary>
    public const string QueueSubject = "responses-queue";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public async Task<InboundOutcome> HandleAsync(InboundResponse message, CancellationToken cancellationToken)
    {
        var caller = new Caller(Role.Provider, QueueSubject, message.ProviderId);
        if (string.IsNullOrEmpty(message.MessageId) || message.MessageId.Length > 128)
        {
            return new InboundOutcome.Refused(InvalidMessage, "MessageId must be set (1-128 characters); it is the idempotency key.");
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(message.Body));
        InboundOutcome? applied = null;
        var run = await idempotency.RunAsync(caller.Scope, "message:" + message.MessageId, fingerprint, async () =>
        {
            applied = await ApplyAsync(caller, message, cancellationToken);
            return applied switch
            {
                InboundOutcome.Refused refused => new StoredResponse(422, "text/plain", $"{refused.Reason}\n{refused.Description}", null, null),
                InboundOutcome.Done => new StoredResponse(200, "text/plain", string.Empty, null, null),
                _ => null, // a retry must find the key free, not a recorded success
            };
        }, cancellationToken);

        return run switch
        {
            { Refusal: IdempotencyStart.KeyReusedWithOtherRequest } => new InboundOutcome.Refused(InvalidMessage, "This MessageId was already used for a different response."),
            { Refusal: IdempotencyStart.StillInProgress } => new InboundOutcome.Retry(),
            { Replayed: true, Response: { } replayed } => replayed.StatusCode == 200 ? new InboundOutcome.Done() : Refusal(replayed.Body),
            _ => applied!,
        };
    }

    private async Task<InboundOutcome> ApplyAsync(Caller caller, InboundResponse message, CancellationToken cancellationToken)
    {
        ResponseMessage body;
        try
        {
            body = JsonSerializer.Deserialize<ResponseMessage>(message.Body, Json) ?? throw new JsonException("null body");
        }
        catch (JsonException e)
        {
            return new InboundOutcome.Refused(InvalidMessage, $"The body is not a valid response message: {e.Path ?? "$"}.");
        }

        if (body.OrderId is null)
        {
            return new InboundOutcome.Refused(InvalidMessage, "orderId is required.");
        }

        var key = $"{caller.Scope}|message:{message.MessageId}";
        try
        {
            _ = body.Type switch
            {
                "acknowledgement" => await orders.AcknowledgeAsync(caller, body.OrderId, null, key, cancellationToken, message.EnqueuedAt),
                "confirmation" => await orders.ConfirmAsync(caller, body.OrderId, new ConfirmationRequest(body.RemovedAt, body.Action, body.Evidence), null, key, cancellationToken, message.EnqueuedAt),
                "objection" => await orders.ObjectAsync(caller, body.OrderId, new ObjectionRequest(body.Ground, body.Explanation), null, key, cancellationToken, message.EnqueuedAt),
                "grounds_ceased" => await orders.ReportGroundsCeasedAsync(caller, body.OrderId, new GroundsCeasedRequest(body.Explanation), null, key, cancellationToken, message.EnqueuedAt),
                "no_effect" => await orders.GiveNoEffectAsync(caller, body.OrderId, new NoEffectRequest(body.Explanation), null, key, cancellationToken, message.EnqueuedAt),
                _ => throw new ComplianceProblem(ProblemKind.ValidationFailed, "type must be acknowledgement, confirmation, objection, grounds_ceased or no_effect."),
            };
            return new InboundOutcome.Done();
        }
        catch (ComplianceProblem problem)
        {
            return problem.Kind switch
            {
                ProblemKind.NotFound or ProblemKind.Forbidden or ProblemKind.Unauthenticated => new InboundOutcome.Refused(Unauthorized, "The order does not exist for this provider."),
                ProblemKind.ValidationFailed or ProblemKind.MalformedJson => new InboundOutcome.Refused(InvalidMessage, problem.Detail),
                ProblemKind.ConcurrencyConflict => new InboundOutcome.Retry(),
                _ => new InboundOutcome.Refused(Rejected, problem.Detail),
            };
        }
    }

    private static InboundOutcome.Refused Refusal(string stored)
    {
        var parts = stored.Split('\n', 2);
        return new InboundOutcome.Refused(parts[0], parts.Length > 1 ? parts[1] : string.Empty);
    }

    private sealed record ResponseMessage(
        string? Type,
        string? OrderId,
        DateTimeOffset? RemovedAt,
        string? Action,
        string? Evidence,
        string? Ground,
        string? Explanation);
}
