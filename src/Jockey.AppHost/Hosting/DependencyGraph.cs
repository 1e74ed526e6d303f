namespace Jockey.AppHost.Hosting;

/// <summary>The resources' WaitFor edges: what a subset needs, and the order to start and stop in.</summary>
internal static class DependencyGraph
{
    /// <summary><paramref name="roots"/>, the processes that serve them, and transitively what they wait for.</summary>
    public static HashSet<Resource> Closure(IEnumerable<Resource> roots)
    {
        var selected = new HashSet<Resource>();
        var pending = new Stack<Resource>(roots);
        while (pending.TryPop(out var resource))
        {
            if (selected.Add(resource))
            {
                pending.Push(resource.ProcessOwner);
                foreach (var dependency in resource.WaitsFor)
                {
                    pending.Push(dependency);
                }
            }
        }
        return selected;
    }

    /// <summary>Resources with a process of their own, grouped so each group waits only for earlier ones (Redis and storage first).</summary>
    public static IEnumerable<HashSet<Resource>> Layers(IEnumerable<Resource> resources)
    {
        var placed = new HashSet<Resource>();
        var remaining = resources.Where(r => r.ProcessOwner == r).ToList();
        while (remaining.Count > 0)
        {
            var layer = remaining.Where(r => r.WaitsFor.All(d => placed.Contains(d) || d == r)).ToHashSet();
            if (layer.Count == 0)
            {
                layer = [.. remaining]; // a cycle: stop the rest together rather than hang
            }
            placed.UnionWith(layer);
            remaining.RemoveAll(layer.Contains);
            yield return layer;
        }
    }
}
