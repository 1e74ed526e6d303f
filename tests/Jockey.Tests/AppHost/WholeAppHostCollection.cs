namespace Jockey.Tests.AppHost;

/// <summary>
/// The tests that start whole apps of their own, one per test (the AppHost as a process, or its model with Aspire):
/// one at a time, and early in the run (<see cref="LongestCollectionsFirst"/> reads only collection definitions).
/// </summary>
[CollectionDefinition(Name)]
[RunsFor(140)]
public sealed class WholeAppHostCollection
{
    public const string Name = "whole-apphost";
}
