namespace Jockey.Testing;

/// <summary>Narrows the app model to the chosen resources and what they need, as a test asks with <c>Only(...)</c>.</summary>
internal static class ResourceSubset
{
    public static void Keep(IDistributedApplicationTestingBuilder builder, IReadOnlyCollection<string> chosen)
    {
        if (chosen.Count == 0) return;
        var byName = builder.Resources.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        var kept = new HashSet<IResource>();
        var pending = new Stack<IResource>(chosen.Select(name => byName.TryGetValue(name, out var r)
            ? r
            : throw new ArgumentException($"There is no resource named '{name}'. Known: {string.Join(", ", byName.Keys)}.")));
        while (pending.TryPop(out var resource))
        {
            if (!kept.Add(resource)) continue;
            foreach (var needed in Needs(resource)) pending.Push(needed);
        }
        foreach (var resource in builder.Resources.Where(r => !kept.Contains(r)).ToList())
        {
            builder.Resources.Remove(resource);
        }
    }

    /// <summary>What a resource waits for, references, or lives in (blobs in storage).</summary>
    private static IEnumerable<IResource> Needs(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource)
            .Concat(resource.Annotations.OfType<ResourceRelationshipAnnotation>().Select(r => r.Resource))
            .Concat(resource is IResourceWithParent child ? [child.Parent] : []);
}
