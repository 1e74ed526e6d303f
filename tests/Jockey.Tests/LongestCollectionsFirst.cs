using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(Jockey.Tests.LongestCollectionsFirst))]

namespace Jockey.Tests;

/// <summary>
/// About how long a test collection runs on a 2-core CI machine, where <c>maxParallelThreads</c> is 2 and xunit starts
/// a collection only when one of the two has ended. Read from collection definitions only (a test class that is a
/// collection of its own has none). Only the long ones carry it; the rest run after them, by name.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsForAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Longest collections first, then by name. xunit's own order is random per run, which left the browser collection
/// (six minutes) to start last in some runs and run alone at the end: the suite took 735 to 1,323 s on the same code.
/// </summary>
public sealed class LongestCollectionsFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. testCollections.OrderByDescending(c => Seconds(c)).ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal)];

    private static int Seconds(ITestCollection collection) =>
        (collection as IXunitTestCollection)?.CollectionDefinition?.GetCustomAttribute<RunsForAttribute>()?.Seconds ?? 0;
}
