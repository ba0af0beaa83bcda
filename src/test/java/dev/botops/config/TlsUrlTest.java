package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.tls.TrustStoreSslFactory;
import org.junit.jupiter.api.Test;

/** Which certificate check the JDBC URL asks the driver for. */
class TlsUrlTest {
    private static final String FACTORY = "sslfactory=" + TrustStoreSslFactory.class.getName();

    @Test
    void verifyFullWithoutARootCertificateVerifiesAgainstTheJvmTrustStore() {
        assertThat(DatabaseUrl.parse("postgres://u:p@db.example.com/app?sslmode=verify-full").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example.com:5432/app?sslmode=verify-full&" + FACTORY);
        assertThat(DatabaseUrl.parse("postgres://u:p@db.example.com/app?sslmode=verify-ca").jdbcUrl()).endsWith(FACTORY);
    }

    @Test
    void sslrootcertSystemAsLibpqSpellsItMeansTheJvmTrustStore() {
        assertThat(DatabaseUrl.parse("postgres://u:p@db.example.com/app?sslmode=verify-full&sslrootcert=system").jdbcUrl())
                .contains("sslmode=verify-full").endsWith(FACTORY).doesNotContain("sslrootcert");
    }

    @Test
    void aRootCertificateFileOrAFactoryOfTheUsersIsLeftToTheDriver() {
        assertThat(DatabaseUrl.parse("postgres://u:p@db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ca.pem").jdbcUrl())
                .contains("sslmode=verify-full").contains("sslrootcert=/etc/ca.pem").doesNotContain("sslfactory");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://db.example.com/app?sslmode=verify-full&sslfactory=com.example.Mine").jdbcUrl())
                .doesNotContain(TrustStoreSslFactory.class.getName());
    }

    @Test
    void requireDoesNotVerifyTheCertificate() {
        assertThat(DatabaseUrl.parse("postgres://u:p@db.example.com/app?sslmode=require").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example.com:5432/app?sslmode=require");
    }
}
