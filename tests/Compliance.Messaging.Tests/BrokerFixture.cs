using System.Net;
using System.Net.Sockets;
using Compliance.LocalBroker;

namespace Compliance.Messaging.Tests;

internal static class Ports
{
    public static int Free()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

/// <summary>A broker of its own for each test, so no test sees another's messages.</summary>
internal static class Broker
{
    public static LocalServiceBus Start(Action<LocalServiceBus> topology)
    {
        var broker = new LocalServiceBus(Ports.Free());
        topology(broker);
        broker.Start();
        return broker;
    }
}
