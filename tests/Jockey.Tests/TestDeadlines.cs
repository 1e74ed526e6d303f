using System.Collections.Concurrent;
using System.Reflection;
using Xunit.v3;

[assembly: Jockey.Tests.DisposeTestDeadlines]

namespace Jockey.Tests;

/// <summary>
/// Every test's overall deadline: a token that trips after the given time or when xunit cancels the test. The
/// sources a test created are disposed when it ends (see <see cref="DisposeTestDeadlinesAttribute"/>).
/// </summary>
public static class TestDeadlines
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<CancellationTokenSource>> s_byTest = new();

    public static CancellationToken Start(int seconds)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(seconds));
        var test = TestContext.Current.Test?.UniqueID ?? throw new InvalidOperationException("Test deadlines are for tests; a fixture disposes its own token source.");
        s_byTest.GetOrAdd(test, _ => []).Add(source);
        return source.Token;
    }

    internal static void DisposeAll(string test)
    {
        if (!s_byTest.TryRemove(test, out var sources)) return;
        foreach (var source in sources) source.Dispose();
    }
}

[AttributeUsage(AttributeTargets.Assembly)]
public sealed class DisposeTestDeadlinesAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test) => TestDeadlines.DisposeAll(test.UniqueID);
}
