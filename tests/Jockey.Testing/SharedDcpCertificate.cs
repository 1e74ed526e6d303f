using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Jockey.Testing;

/// <summary>
/// DCP, Aspire's orchestrator, makes a fresh self-signed certificate (an RSA key) for its API server each time an app
/// starts: about 3 s of CPU on a 2-core machine, paid by every one of the suite's app starts (a run of the suite spent
/// 192 s of CPU in DCP). Tests start DCP through a script that hands it one certificate made once per test process
/// instead (<c>--tls-cert-file</c>, a flag DCP has but Aspire does not pass); everything else is DCP's own doing.
/// </summary>
internal static class SharedDcpCertificate
{
    private static readonly Lazy<string?> s_cliPath = new(Create);

    /// <summary>The script to give Aspire as <c>DcpPublisher:CliPath</c>, or null when the AppHost names no DCP.</summary>
    public static string? CliPath => s_cliPath.Value;

    private static string? Create()
    {
        if (OperatingSystem.IsWindows()) return null; // the script is a shell script
        var dcp = typeof(Projects.Jockey_AppHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => string.Equals(a.Key, "dcpclipath", StringComparison.OrdinalIgnoreCase))?.Value;
        if (dcp is null || !File.Exists(dcp)) return null;

        var dir = Directory.CreateTempSubdirectory("jockey-dcp-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } // a leftover temp folder is harmless
        };
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        var certPath = Path.Combine(dir, "cert.pem");
        var keyPath = Path.Combine(dir, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem(), System.Text.Encoding.ASCII);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var script = Path.Combine(dir, "dcp");
        File.WriteAllText(script,
            $"""
            #!/bin/sh
            if [ "$1" = start-apiserver ]; then exec '{dcp}' "$@" --tls-cert-file '{certPath}' --tls-key-file '{keyPath}'; fi
            exec '{dcp}' "$@"

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }
}
