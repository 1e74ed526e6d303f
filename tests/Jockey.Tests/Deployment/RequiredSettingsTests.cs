namespace Jockey.Tests.Deployment;

public sealed class RequiredSettingsTests
{
    [Fact]
    public async Task Every_setting_a_service_requires_is_set_on_its_container_app()
    {
        var compiled = await BicepCompiler.MainAsync();
        Assert.True(compiled.Template is not null, $"bicep build failed:\n{string.Join('\n', compiled.Diagnostics)}");
        var apps = ContainerAppDeployment.All(compiled.Template);

        var missing = new List<string>();
        foreach (var (name, service) in AzureYaml.Load().Services)
        {
            var app = apps.SingleOrDefault(candidate => candidate.ServiceName == name);
            Assert.True(app is not null, $"no container app tagged azd-service-name={name}");
            foreach (var setting in Required(service))
            {
                if (!setting.IsSetIn(app.Settings))
                {
                    missing.Add($"{name}: {setting.Variable} (required by {setting.Reason})");
                }
            }
        }
        Assert.True(missing.Count == 0, "Not set in infra/main.bicep:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Scan_finds_the_apis_connections_the_agent_address_and_the_web_apps_api_address()
    {
        var services = AzureYaml.Load().Services;

        var api = Required(services["apiservice"]).Select(setting => setting.Variable).ToList();
        Assert.Contains("ConnectionStrings__redis", api);
        Assert.Contains("ConnectionStrings__blobs", api);

        var web = Required(services["web"]).Select(setting => setting.Variable).ToList();
        Assert.Contains("services__apiservice__http__0", web);
    }

    [Fact]
    public void Scan_maps_required_options_connection_helpers_and_service_names_to_environment_variables()
    {
        var project = Directory.CreateTempSubdirectory("jockey-scan-");
        try
        {
            File.WriteAllText(Path.Combine(project.FullName, "Program.cs"), """
                builder.AddQueue("jobs");
                builder.Services.AddOptions<JockeyOptions>().BindConfiguration(JockeyOptions.SectionName).ValidateDataAnnotations();
                builder.Services.AddOptions<SpeechOptions>()
                    .BindConfiguration("Speech");
                var agent = new Uri("https+http://jockey");
                var local = new Uri("http://localhost:5000");
                """);
            File.WriteAllText(Path.Combine(project.FullName, "Options.cs"), """
                public static class QueueExtensions
                {
                    public static IHostApplicationBuilder AddQueue(this IHostApplicationBuilder builder, string connectionName)
                    {
                        var value = builder.Configuration.GetConnectionString(connectionName);
                        return builder;
                    }
                }
                public sealed class JockeyOptions
                {
                    public const string SectionName = "Jockey";
                    [Required, Url] public string ApiKey { get; init; } = "";
                    [Required] public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);
                    public string? Optional { get; init; }
                }
                public sealed record SpeechOptions
                {
                    [Required]
                    public string Voice { get; set; } = null!;
                    [Required] public string Region { get; set; } = null!;
                }
                """);
            File.WriteAllText(Path.Combine(project.FullName, "appsettings.json"), """{ "Speech": { "Region": "westeurope" } }""");

            var variables = RequiredSettings.ForDotnetProject(project.FullName).Select(setting => setting.Variable).Order(StringComparer.Ordinal);

            Assert.Equal(["ConnectionStrings__jobs", "Jockey__ApiKey", "Speech__Voice", "services__jockey__http__0"], variables);
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    [Fact]
    public void Scan_counts_a_javascript_service_address_once_whichever_scheme_it_reads()
    {
        var project = Directory.CreateTempSubdirectory("jockey-scan-js-");
        try
        {
            File.WriteAllText(Path.Combine(project.FullName, "server.mjs"), """
                const api = process.env.services__apiservice__http__0 ?? process.env.services__apiservice__https__0 ?? 'http://127.0.0.1:9000'
                const port = Number(process.env.PORT ?? 5173)
                """);

            var required = Assert.Single(RequiredSettings.ForJavaScriptProject(project.FullName));

            Assert.Equal("services__apiservice__http__0", required.Variable);
            Assert.True(required.IsSetIn(new Dictionary<string, string> { ["services__apiservice__https__0"] = "https://api" }));
            Assert.False(required.IsSetIn(new Dictionary<string, string> { ["services__jockey__http__0"] = "http://jockey" }));
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    private static IReadOnlyList<RequiredSetting> Required(AzureYaml.ServiceSection service) => service.Language switch
    {
        "dotnet" => RequiredSettings.ForDotnetProject(service.ProjectDirectory),
        "js" => RequiredSettings.ForJavaScriptProject(service.ProjectDirectory),
        var other => throw new Xunit.Sdk.XunitException($"no scanner for language {other}"),
    };
}
