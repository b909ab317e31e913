/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  transpilePackages: ["@vaultline/shared"],
  webpack: (config) => {
    // WalletConnect pulls in optional node-only deps that the browser build never needs.
    config.externals.push("pino-pretty", "lokijs", "encoding");
    return config;
  },
};

export default nextConfig;
