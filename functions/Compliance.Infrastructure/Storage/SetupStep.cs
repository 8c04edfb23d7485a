namespace Compliance.Infrastructure.Storage;

/// <summary>
/// An idempotent setup step (creating containers) run once per process, but only once it has
/// succeeded: a failed attempt, say while storage was briefly unreachable, is tried again by the
/// next caller instead of failing every request for the life of the instance.
/// </summary>
public sealed class SetupStep(Func<Task> run)
{
    private readonly object _gate = new();
    private Task? _attempt;

    public Task EnsureAsync()
    {
        lock (_gate)
        {
            if (_attempt is null || _attempt.IsFaulted || _attempt.IsCanceled)
            {
                _attempt = run();
            }

            return _attempt;
        }
    }
}
