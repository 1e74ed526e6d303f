namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// The groups a connection is in, kept with the connection (as a feature) so closing it leaves each one, and for each
/// the position in its group's log the connection is known to hold everything up to (<see cref="IGroupCatchUp"/>): a
/// catch-up after a break starts from the lowest any member holds. Read and changed only under the manager's group lock
/// (<see cref="JockeyHubLifetimeManager{THub}"/>).
/// <para>
/// A hub connection watches one thread at a time, so it is in one group almost always: that one is kept in fields, and
/// a dictionary is made only for a second. Every connection holds this for its whole life, and a set per connection was
/// ~140 bytes of 10,000 idle connections' memory (docs/benchmarks.md, issue 14).
/// </para>
/// </summary>
public sealed class GroupMembership
{
    private string? _first;
    private long _firstHeld;
    private Dictionary<string, long>? _more;

    /// <summary>Joins <paramref name="group"/> holding everything up to <paramref name="held"/>; false if already in it.</summary>
    public bool Add(string group, long held)
    {
        if (_first is null && _more is null)
        {
            (_first, _firstHeld) = (group, held);
            return true;
        }
        if (string.Equals(_first, group, StringComparison.Ordinal)) return false;
        _more ??= new Dictionary<string, long>(StringComparer.Ordinal);
        if (_first is not null)
        {
            _more[_first] = _firstHeld;
            _first = null;
        }
        return _more.TryAdd(group, held);
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

    /// <summary>The connection now holds everything in <paramref name="group"/> up to <paramref name="held"/> (a replay sent it); never lowers it.</summary>
    public void Hold(string group, long held)
    {
        if (string.Equals(_first, group, StringComparison.Ordinal)) _firstHeld = Math.Max(_firstHeld, held);
        else if (_more is not null && _more.TryGetValue(group, out var was)) _more[group] = Math.Max(was, held);
    }

    /// <summary>What the connection holds of <paramref name="group"/> (0 when it is not in it).</summary>
    public long HeldIn(string group) =>
        string.Equals(_first, group, StringComparison.Ordinal) ? _firstHeld : _more?.GetValueOrDefault(group) ?? 0;

    public string[] Snapshot() => _first is not null ? [_first] : _more is null ? [] : [.. _more.Keys];
}
