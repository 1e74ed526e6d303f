using System.Net;
using System.Net.Sockets;

namespace Jockey.Testing;

public static class PortAllocator
{
    /// <summary>A port the OS just handed out on 127.0.0.1; free unless something grabs it in the next moments.</summary>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
