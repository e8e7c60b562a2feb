#!/usr/bin/perl
# audit_verify.pl — check a bib audit export without PostgreSQL.
#
#   perl tests/audit_verify.pl AUDIT_LOG.copy AUDIT_SEALS.copy [DIGEST_HEX]
#
# The two files are COPY ... TO text-format exports of bib.audit_log and
# bib.audit_seals, all columns in table order, made with TimeZone = UTC,
# DateStyle = ISO, extra_float_digits = 1 and client_encoding = the database
# encoding (docs/audit-format.md says why and gives the commands).  The
# script recomputes every row_hash, the chain of every seal and every seal
# hash, exactly as bib.audit_verify() does, and with DIGEST_HEX (the digest
# column of bib.audit_digest(), hex) checks that this seal is in the chain.
# Prints "ok: ..." and exits 0, or "bad: entry|seal N: problem" and exits 1.
# Needs only Perl and Digest::SHA (part of every Perl since 5.10).
use strict;
use warnings;
use Digest::SHA qw(sha256);

@ARGV == 2 || @ARGV == 3 or die "usage: $0 AUDIT_LOG.copy AUDIT_SEALS.copy [DIGEST_HEX]\n";
my ($log_file, $seal_file, $digest_hex) = @ARGV;

my %esc = (b => "\b", f => "\f", n => "\n", r => "\r", t => "\t", v => "\x0b", '\\' => '\\');

# One field of COPY text format: undef for \N, else the unescaped bytes.
sub unescape {
    my ($f) = @_;
    return undef if $f eq '\\N';
    $f =~ s/\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))/
        defined $1 ? chr(oct $1) : defined $2 ? chr(hex $2) : ($esc{$3} \/\/ $3)/gse;
    return $f;
}

sub read_copy {
    my ($file, $ncols) = @_;
    open my $fh, '<:raw', $file or die "$file: $!\n";
    my @rows;
    while (my $line = <$fh>) {
        chomp $line;
        my @f = map { unescape($_) } split /\t/, $line, -1;
        @f == $ncols or die "$file: a row has " . scalar(@f) . " columns, expected $ncols\n";
        push @rows, \@f;
    }
    return @rows;
}

# bytea in hex output format ("\x0a1b..."): the bytes.
sub bytea {
    my ($v) = @_;
    return undef unless defined $v && $v =~ /^\\x((?:[0-9a-f]{2})*)$/;
    return pack 'H*', $1;
}

sub u64 { my ($n) = @_; return pack 'NN', int($n / 4294967296), $n % 4294967296 }

sub bad { print "bad: $_[0]\n"; exit 1 }

my @log = read_copy($log_file, 23);
my @seals = read_copy($seal_file, 9);
@log = sort { $a->[0] <=> $b->[0] } @log;
@seals = sort { $a->[0] <=> $b->[0] } @seals;

my ($entries, $unsealed) = (0, 0);
my $k = 0;                # index of the seal whose range we are in
my $prev = "\0" x 32;     # seal_hash of the seal before it
my $chain = $prev;
my ($count, $first) = (0, undef);

# Entering seal $k: its own columns and its link to the seal before.
sub begin_seal {
    return if $k >= @seals;
    my ($id, $first_id, $last_id, $n, $chain_h, $prev_h, $seal_h) = @{ $seals[$k] };
    my ($c, $p, $s) = (bytea($chain_h), bytea($prev_h), bytea($seal_h));
    bad("seal $id: follows seal $k: a seal was deleted or renumbered") if $id != $k + 1;
    bad("seal $id: a hash column is not 32 bytes")
        unless defined $c && defined $p && defined $s && length($c) == 32 && length($p) == 32 && length($s) == 32;
    bad("seal $id: its range overlaps seal $k") if $k > 0 && $first_id <= $seals[$k - 1][2];
    bad("seal $id: prev_hash does not link to the seal before") if $p ne $prev;
    my $h = sha256('bib-seal-v1' . u64($id) . u64($first_id) . u64($last_id) . u64($n) . $c . $p);
    bad("seal $id: seal_hash does not match the seal's other columns") if $h ne $s;
    ($chain, $count, $first) = ($prev, 0, undef);
}

# Leaving seal $k: the entries found must chain to what it recorded.
sub end_seal {
    my ($id, $first_id, $last_id, $n, $chain_h, undef, $seal_h) = @{ $seals[$k] };
    bad("seal $id: covers $n entries up to id $last_id, but $count are present") if $count != $n;
    bad("seal $id: the chain of entries $first_id to $last_id does not match")
        if !defined $first || $first != $first_id || $chain ne bytea($chain_h);
    $prev = bytea($seal_h);
    $k++;
    begin_seal();
}

begin_seal();
for my $e (@log) {
    my $id = $e->[0];
    end_seal() while $k < @seals && $id > $seals[$k][2];
    my $data = 'bib-audit-v1';
    for my $i (0 .. 21) {
        my $v = $e->[$i];
        $data .= defined $v ? pack('N', length $v) . $v : "\xff\xff\xff\xff";
    }
    my $stored = bytea($e->[22]);
    bad("entry $id: row_hash does not match the entry's columns")
        unless defined $stored && $stored eq sha256($data);
    $entries++;
    if ($k < @seals) {
        $first = $id unless defined $first;
        $count++;
        $chain = sha256('bib-chain-v1' . $chain . $stored);
    } else {
        $unsealed++;
    }
}
end_seal() while $k < @seals;

if (defined $digest_hex) {
    my $d = pack 'H*', lc($digest_hex =~ s/^\\?x//r);
    bad("no seal has the expected digest: the sealed history was rewritten")
        unless grep { bytea($_->[6]) eq $d } @seals;
}
printf "ok: %d entries, %d seals, %d unsealed\n", $entries, scalar(@seals), $unsealed;
exit 0;
