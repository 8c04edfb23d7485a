using Compliance.AuditLog;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>The signed log across all orders: its checkpoints and proofs, and the timer that sequences and signs it.</summary>
public sealed class AuditLogFunctions(HttpApi api, AuditLogService audit, ICheckpointSigner signer)
{
    /// <summary>Places the leaves order changes wrote and signs a checkpoint when the log grew (AuditSequenceSchedule).</summary>
    [Function("SequenceAuditLog")]
    public Task Sequence([TimerTrigger("%AuditSequenceSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        audit.SequenceAndCheckpointAsync(cancellationToken);

    [Function("GetLatestCheckpoint")]
    [Returns(200, typeof(CheckpointView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> Latest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/checkpoints/latest")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(CheckpointView.From(await audit.LatestAsync(caller, cancellationToken), signer.PublicKeyPem)), cancellationToken);

    [Function("GetInclusionProof")]
    [Returns(200, typeof(InclusionProof))]
    [Query("orderId", typeof(string), Required = true)]
    [Query("sequence", typeof(int), Required = true)]
    [Query("treeSize", typeof(int))]
    [Refuses(ProblemKind.InvalidQuery, ProblemKind.NotFound)]
    public Task<IActionResult> Inclusion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/proofs/inclusion")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(await audit.InclusionAsync(
            caller,
            QueryParameters.Text(request, "orderId") ?? throw new ComplianceProblem(ProblemKind.InvalidQuery, "orderId is required."),
            QueryParameters.Number(request, "sequence") ?? throw new ComplianceProblem(ProblemKind.InvalidQuery, "sequence is required."),
            QueryParameters.Number(request, "treeSize"),
            cancellationToken)), cancellationToken);

    [Function("GetConsistencyProof")]
    [Returns(200, typeof(ConsistencyProof))]
    [Query("from", typeof(int), Required = true)]
    [Query("to", typeof(int), Required = true)]
    [Refuses(ProblemKind.InvalidQuery, ProblemKind.NotFound)]
    public Task<IActionResult> Consistency(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/audit/proofs/consistency")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(await audit.ConsistencyAsync(
            caller,
            QueryParameters.Number(request, "from") ?? throw new ComplianceProblem(ProblemKind.InvalidQuery, "from is required."),
            QueryParameters.Number(request, "to") ?? throw new ComplianceProblem(ProblemKind.InvalidQuery, "to is required."),
            cancellationToken)), cancellationToken);
}
