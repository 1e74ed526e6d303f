namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// The groups a connection is in, kept with the connection (as a feature) so closing it leaves each one. Read and
/// changed only under the manager's group lock (<see cref="JockeyHubLifetimeManager{THub}"/>).
/// <para>
/// A hub connection watches one thread at a time, so it is in one group almost always: that one is kept in a field,
/// and a set is made only for a second. Every connection holds this for its whole life, and a set per connection was
/// ~140 bytes of 10,000 idle connections' memory (docs/benchmarks.md, issue 14).
/// </para>
/// </summary>
public sealed class GroupMembership
{
    private string? _first;
    private HashSet<string>? _more;

    public bool Add(string group)
    {
        if (_first is null && _more is null)
        {
            _first = group;
            return true;
        }
        if (string.Equals(_first, group, StringComparison.Ordinal)) return false;
        _more ??= new HashSet<string>(StringComparer.Ordinal);
        if (_first is not null)
        {
            _more.Add(_first);
            _first = null;
        }
        return _more.Add(group);
    }

    public bool Remove(string group)
    {
        if (string.Equals(_first, group, StringComparison.Ordinal))
        {
            _first = null;
            return true;
        }
        return _more?.Remove(group) ?? false;
    }

    public string[] Snapshot() => _first is not null ? [_first] : _more is null ? [] : [.. _more];
}
