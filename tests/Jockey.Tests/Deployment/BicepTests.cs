using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Jockey.Tests.Deployment;

public sealed partial class BicepTests
{
    [Fact]
    public async Task Main_bicep_compiles_offline_without_errors_or_warnings()
    {
        var compiled = await BicepCompiler.MainAsync();

        Assert.True(compiled.ExitCode == 0, $"bicep build failed:\n{string.Join('\n', compiled.Diagnostics)}");
        Assert.NotNull(compiled.Template);
        var findings = compiled.Diagnostics.Where(line => line.Contains(": Warning ") || line.Contains(": Error ")).ToList();
        Assert.True(findings.Count == 0, "bicep reported:\n" + string.Join('\n', findings));
    }

    [Fact]
    public void Bicep_files_use_no_registry_modules()
    {
        var bicepFiles = Repository.SourceFiles(Repository.PathOf("infra"), ".bicep").ToList();
        Assert.NotEmpty(bicepFiles);
        foreach (var file in bicepFiles)
        {
            foreach (Match module in ModuleReference().Matches(File.ReadAllText(file)))
            {
                var target = module.Groups["target"].Value;
                Assert.False(target.StartsWith("br:") || target.StartsWith("br/") || target.StartsWith("ts:") || target.StartsWith("ts/"),
                    $"{Path.GetRelativePath(Repository.Root, file)}: module '{target}' needs a registry download; declare the resources in infra/modules instead");
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)), $"{file}: module file {target} is missing");
            }
        }
    }

    [Fact]
    public async Task Template_outputs_what_azd_reads_after_provisioning()
    {
        var outputs = (await Template())["outputs"]!.AsObject();
        string[] expected =
        [
            "AZURE_LOCATION", "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_CONTAINER_APPS_ENVIRONMENT_ID",
            "AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN", "SERVICE_APISERVICE_NAME", "SERVICE_JOCKEY_NAME", "SERVICE_WEB_NAME",
        ];
        Assert.All(expected, name => Assert.True(outputs.ContainsKey(name), $"output {name} is missing"));
    }

    [Fact]
    public async Task Parameters_file_maps_every_required_parameter_and_nothing_main_bicep_lacks()
    {
        var declared = (await Template())["parameters"]!.AsObject();
        var mapped = JsonNode.Parse(File.ReadAllText(Repository.PathOf("infra", "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.All(mapped, entry => Assert.True(declared.ContainsKey(entry.Key), $"main.parameters.json sets {entry.Key}, which main.bicep does not declare"));
        Assert.All(declared.Where(entry => entry.Value!["defaultValue"] is null),
            entry => Assert.True(mapped.ContainsKey(entry.Key), $"main.bicep parameter {entry.Key} has no default and main.parameters.json does not set it"));
    }

    [Fact]
    public async Task Every_azure_yaml_service_has_exactly_one_container_app_tagged_with_its_name()
    {
        var apps = ContainerAppDeployment.All(await Template());

        Assert.Equal(AzureYaml.Load().Services.Keys.Order(), apps.Select(app => app.ServiceName).Order());
        Assert.All(apps, app => Assert.Contains("'azd-service-name', parameters('serviceName')", app.App["tags"]!.ToString()));
    }

    [Fact]
    public async Task Resource_group_is_tagged_with_the_azd_environment_name()
    {
        var template = await Template();
        var group = ArmTemplate.Resources(template).Single(resource => (string?)resource["type"] == "Microsoft.Resources/resourceGroups");

        // azd finds the group of an environment by this tag, so its value must be the environment's name.
        var tags = ArmTemplate.Resolve(template, group["tags"]);
        Assert.Equal("[parameters('environmentName')]", (string?)tags?["azd-env-name"]);
    }

    [Fact]
    public async Task Api_runs_at_least_two_sticky_replicas_behind_health_probes()
    {
        var api = ContainerAppDeployment.All(await Template()).Single(app => app.ServiceName == "apiservice");

        Assert.Equal("True", api.ParameterValue("stickySessions"), ignoreCase: true);
        var minReplicas = api.ParameterValue("minReplicas")!;
        var minValue = (await Template())["parameters"]!["apiMinReplicas"]!;
        Assert.Equal("[parameters('apiMinReplicas')]", minReplicas);
        Assert.True((int)minValue["minValue"]! >= 2 && (int)minValue["defaultValue"]! >= 2, "apiMinReplicas must not go below 2");
        Assert.Equal("True", api.ParameterValue("healthProbes"), ignoreCase: true);
    }

    [Fact]
    public async Task Dotnet_apps_probe_alive_for_liveness_and_health_for_readiness()
    {
        var apps = ContainerAppDeployment.All(await Template());
        foreach (var service in AzureYaml.Load().Services.Where(entry => entry.Value.Language == "dotnet").Select(entry => entry.Key))
        {
            var app = apps.Single(candidate => candidate.ServiceName == service);
            Assert.Equal("True", app.ParameterValue("healthProbes"), ignoreCase: true);
            var probes = app.Template["variables"]!["probes"]!.AsArray();
            Assert.Contains(probes, probe => (string?)probe!["type"] == "Liveness" && (string?)probe["httpGet"]!["path"] == "/alive");
            Assert.Contains(probes, probe => (string?)probe!["type"] == "Readiness" && (string?)probe["httpGet"]!["path"] == "/health");
        }
    }

    [Fact]
    public async Task Probe_timings_stay_within_the_limits_container_apps_accepts()
    {
        // The Bicep types do not carry these bounds (ContainerAppProbe in the Microsoft.App API); Azure rejects the app.
        (string Name, int Min, int Max)[] limits = [("failureThreshold", 1, 10), ("initialDelaySeconds", 1, 60), ("periodSeconds", 1, 240)];
        foreach (var app in ContainerAppDeployment.All(await Template()))
        {
            foreach (var probe in app.Template["variables"]?["probes"]?.AsArray() ?? [])
            {
                foreach (var (name, min, max) in limits)
                {
                    if (probe![name] is { } value)
                    {
                        Assert.InRange((int)value, min, max);
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Secret_backed_settings_point_at_secrets_the_app_defines()
    {
        foreach (var app in ContainerAppDeployment.All(await Template()))
        {
            foreach (var (variable, source) in app.Settings.Where(setting => setting.Value.StartsWith("secretref:")))
            {
                var secret = source["secretref:".Length..];
                Assert.True(app.SecretNames.Contains(secret),
                    $"{app.ServiceName}: {variable} reads secret '{secret}', which the app does not define (it has: {string.Join(", ", app.SecretNames)})");
            }
        }
    }

    [Fact]
    public async Task Storage_refuses_shared_keys_and_holds_media_and_redis_listens_on_tls_port_10000()
    {
        var template = await Template();
        var resources = ArmTemplate.AllResources(template).ToList();
        // The media account; the library's (below) needs its key for the SMB mount.
        var storage = resources.Single(resource => (string?)resource["type"] == "Microsoft.Storage/storageAccounts" && resource["properties"]?["allowSharedKeyAccess"] is not null);
        Assert.False((bool)storage["properties"]!["allowSharedKeyAccess"]!);
        var storageModule = ArmTemplate.Resources(template).Single(resource => (string?)resource["name"] == "storage");
        Assert.Equal("media", (string?)storageModule["properties"]!["parameters"]!["containerName"]!["value"]);

        var database = resources.Single(resource => (string?)resource["type"] == "Microsoft.Cache/redisEnterprise/databases");
        Assert.Equal(10000, (int)database["properties"]!["port"]!);
        Assert.Equal("Encrypted", (string?)database["properties"]!["clientProtocol"]);
    }

    [Fact]
    public async Task The_agents_library_folders_are_an_azure_files_share_so_they_outlive_its_replica()
    {
        var template = await Template();
        var resources = ArmTemplate.AllResources(template).ToList();
        var share = resources.Single(resource => (string?)resource["type"] == "Microsoft.App/managedEnvironments/storages");
        Assert.Equal("ReadWrite", (string?)share["properties"]!["azureFile"]!["accessMode"]);
        Assert.Contains(resources, resource => (string?)resource["type"] == "Microsoft.Storage/storageAccounts/fileServices/shares");

        var agent = ArmTemplate.Resources(template).Single(resource => (string?)resource["name"] == "app-jockey")["properties"]!["parameters"]!;
        var mount = agent["azureFileMounts"]!["value"]!.AsArray().Single()!;
        Assert.Equal("/data/jockey/indexes", (string?)mount["mountPath"]);
        Assert.Equal("/data/jockey", (string?)agent["env"]!["value"]!["LocalAgent__DataPath"]);
    }

    private static async Task<JsonObject> Template()
    {
        var compiled = await BicepCompiler.MainAsync();
        return compiled.Template ?? throw new Xunit.Sdk.XunitException($"bicep build failed:\n{string.Join('\n', compiled.Diagnostics)}");
    }

    [GeneratedRegex(@"^\s*module\s+\w+\s+'(?<target>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}
