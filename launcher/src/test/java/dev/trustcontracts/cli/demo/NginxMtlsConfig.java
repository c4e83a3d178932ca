package dev.trustcontracts.cli.demo;

import java.nio.file.Path;

/**
 * The nginx configuration the end-to-end tests run: mTLS on 127.0.0.1 with an agent's cert.pem, key.pem
 * and chain.pem (shared by NginxEndToEndTest and RootRotationProofTest so both prove the same setup).
 */
public final class NginxMtlsConfig {
    private NginxMtlsConfig() {
    }

    public static String config(Path prefix, Path agentOut, int port) {
        return """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    server {
                        listen 127.0.0.1:%3$d ssl;
                        ssl_certificate %2$s/cert.pem;
                        ssl_certificate_key %2$s/key.pem;
                        ssl_client_certificate %2$s/chain.pem;
                        ssl_verify_client on;
                        ssl_verify_depth 3;
                        location / {
                            default_type text/plain;
                            return 200 "hello from bob's nginx, $ssl_client_s_dn\\n";
                        }
                    }
                }
                """.formatted(prefix, agentOut, port);
    }
}
