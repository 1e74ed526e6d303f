namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>The groups a connection is in, kept with the connection (as a feature) so closing it leaves each one.</summary>
public sealed class GroupMembership
{
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

    public bool Add(string group)
    {
        lock (_groups) return _groups.Add(group);
    }

    public bool Remove(string group)
    {
        lock (_groups) return _groups.Remove(group);
    }

    public string[] Snapshot()
    {
        lock (_groups) return [.. _groups];
    }
}
