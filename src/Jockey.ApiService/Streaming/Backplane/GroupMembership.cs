namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// The groups a connection is in, kept with the connection (as a feature) so closing it leaves each one. Read and
/// changed only under the manager's group lock (<see cref="JockeyHubLifetimeManager{THub}"/>).
/// </summary>
public sealed class GroupMembership
{
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

    public bool Add(string group) => _groups.Add(group);

    public bool Remove(string group) => _groups.Remove(group);

    public string[] Snapshot() => [.. _groups];
}
