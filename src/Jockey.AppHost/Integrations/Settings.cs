using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Integrations;

public static class Settings
{
    /// <summary>
    /// Passes a section of the AppHost's configuration on as <c>Section__Key</c> variables, so a setting given on the
    /// AppHost's command line (<c>--LocalAgent:Llm:Model=…</c>) or by a test reaches the service it belongs to.
    /// </summary>
    public static IResourceBuilder<T> WithSettings<T>(this IResourceBuilder<T> builder, IConfigurationSection section)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context =>
        {
            foreach (var (key, value) in section.AsEnumerable())
            {
                if (value is not null) context.EnvironmentVariables[key.Replace(":", "__")] = value;
            }
        });
}
