
namespace Jockey.Tests;

/// <summary>Paths in the repository the tests run from (found as the AppHost finds it: by walking up to Jockey.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"No Jockey.sln above {AppContext.BaseDirectory}: run the tests from the repository.");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Source files of one kind under a folder, without build output or installed packages.</summary>
    public static IEnumerable<string> SourceFiles(string directory, params string[] extensions) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(file => extensions.Contains(Path.GetExtension(file)))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or "dist"));

    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jockey.sln"))) return dir.FullName;
        }
        return null;
    }
}
