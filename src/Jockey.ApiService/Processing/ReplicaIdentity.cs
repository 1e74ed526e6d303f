namespace Jockey.ApiService.Processing;

/// <summary>
/// This process as an owner of runs: unique per start, so a replica that restarts under the same name is a new owner
/// and never mistakes a run it held before its crash for one it still holds.
/// </summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}
